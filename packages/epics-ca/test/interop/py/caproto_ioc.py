"""A caproto server for our client to talk to."""
from caproto import ChannelType
from caproto.server import PVGroup, ioc_arg_parser, pvproperty, run


class Peer(PVGroup):
    double = pvproperty(value=1.5, precision=3, units='mm')
    long = pvproperty(value=7)
    string = pvproperty(value='caproto', dtype=ChannelType.STRING)
    enum = pvproperty(value='In', enum_strings=['Out', 'In'], dtype=ChannelType.ENUM)
    wave = pvproperty(value=[float(i) for i in range(1000)], max_length=1000)
    ro = pvproperty(value=3.0, read_only=True)
    # A variable-length array, 10 elements now, room for a 2.4 MB image (what a client with the
    # default EPICS_CA_MAX_ARRAY_BYTES cannot receive).
    image = pvproperty(value=[0.0] * 10, max_length=300_000)


if __name__ == '__main__':
    ioc_options, run_options = ioc_arg_parser(default_prefix='cp:', desc='interop peer for ophyd-service')
    run(Peer(**ioc_options).pvdb, **run_options)
