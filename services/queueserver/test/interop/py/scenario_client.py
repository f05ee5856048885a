"""What every scenario script shares: the client, over 0MQ or HTTP, from the command line.

Usage of a scenario: <script> zmq <control_addr> <info_addr> [json|msgpack] | http <url> <api_key>
The 0MQ client takes a server public key from QSERVER_ZMQ_PUBLIC_KEY, as it always does.
"""
import json
import sys


def connect(argv=None):
    """The REManagerAPI of the transport named on the command line, and that transport's name."""
    argv = sys.argv if argv is None else argv
    mode = argv[1]
    if mode == "zmq":
        from bluesky_queueserver_api.zmq import REManagerAPI

        encoding = argv[4] if len(argv) > 4 else "json"
        return REManagerAPI(zmq_control_addr=argv[2], zmq_info_addr=argv[3], zmq_encoding=encoding), mode
    from bluesky_queueserver_api.http import REManagerAPI

    RM = REManagerAPI(http_server_uri=argv[2])
    RM.set_authorization_key(api_key=argv[3])
    return RM, mode


def refusal(RM, call, *args, **kwargs):
    """The manager's reply to a call expected to fail, or {"accepted": reply} if it did not."""
    try:
        return {"accepted": call(*args, **kwargs)}
    except RM.RequestFailedError as error:
        return error.response


def emit(out):
    """Prints what the client saw as the last line of output (the TypeScript test reads it)."""
    print(json.dumps(out))
