/** The three built-in mock devices (spec §4.5): sample_x, det1, cam1, with 14 PVs. */
import { capabilityFlags } from '../capabilities.ts';
import { normalizeMetadata, normalizeSpec } from '../model.ts';
import type { LoadedDevice } from './types.ts';

export function mockDevices(): LoadedDevice[] {
  return [
    {
      metadata: normalizeMetadata({
        name: 'sample_x',
        device_label: 'motor',
        ophyd_class: 'EpicsMotor',
        module: 'ophyd.epics_motor',
        ...capabilityFlags('EpicsMotor'),
        pvs: {
          user_readback: 'BL01:SAMPLE:X.RBV',
          user_setpoint: 'BL01:SAMPLE:X',
          velocity: 'BL01:SAMPLE:X.VELO',
        },
        hints: { fields: ['sample_x'] },
        read_attrs: ['user_readback', 'user_setpoint'],
        configuration_attrs: ['velocity', 'acceleration'],
      }),
      spec: normalizeSpec({
        name: 'sample_x',
        device_class: 'ophyd.EpicsMotor',
        args: ['BL01:SAMPLE:X'],
        kwargs: { name: 'sample_x' },
      }),
    },
    {
      metadata: normalizeMetadata({
        name: 'det1',
        device_label: 'detector',
        ophyd_class: 'EpicsScaler',
        module: 'ophyd.scaler',
        ...capabilityFlags('EpicsScaler'),
        pvs: { count: 'BL01:DET1:CNT', preset_time: 'BL01:DET1:PRESET' },
        hints: { fields: ['det1'] },
        read_attrs: ['count'],
        configuration_attrs: ['preset_time'],
      }),
      spec: normalizeSpec({
        name: 'det1',
        device_class: 'ophyd.EpicsScaler',
        args: ['BL01:DET1:'],
        kwargs: { name: 'det1' },
      }),
    },
    {
      metadata: normalizeMetadata({
        name: 'cam1',
        device_label: 'detector',
        ophyd_class: 'SimDetector',
        module: 'ophyd.areadetector.detectors',
        ...capabilityFlags('SimDetector'),
        pvs: {
          'cam.acquire': 'BL01:CAM1:cam1:Acquire',
          'cam.acquire_time': 'BL01:CAM1:cam1:AcquireTime',
          'cam.image_mode': 'BL01:CAM1:cam1:ImageMode',
          image: 'BL01:CAM1:image1:ArrayData',
          'image.array_size.width': 'BL01:CAM1:image1:ArraySize0',
          'image.array_size.height': 'BL01:CAM1:image1:ArraySize1',
          'stats.total': 'BL01:CAM1:Stats1:Total_RBV',
          'stats.centroid.x': 'BL01:CAM1:Stats1:CentroidX_RBV',
          'stats.centroid.y': 'BL01:CAM1:Stats1:CentroidY_RBV',
        },
        hints: { fields: ['cam1_stats_total'] },
        read_attrs: ['image', 'stats.total'],
        configuration_attrs: ['cam.acquire_time'],
      }),
      spec: normalizeSpec({
        name: 'cam1',
        device_class: 'ophyd.areadetector.detectors.SimDetector',
        args: ['BL01:CAM1:'],
        kwargs: { name: 'cam1' },
      }),
    },
  ];
}
