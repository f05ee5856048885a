/** EPICS alarm names (menuAlarmStat, menuAlarmSevr): the index is the code on the wire. */
export const ALARM_STATUS = [
  'NO_ALARM',
  'READ',
  'WRITE',
  'HIHI',
  'HIGH',
  'LOLO',
  'LOW',
  'STATE',
  'COS',
  'COMM',
  'TIMEOUT',
  'HWLIMIT',
  'CALC',
  'SCAN',
  'LINK',
  'SOFT',
  'BAD_SUB',
  'UDF',
  'DISABLE',
  'SIMM',
  'READ_ACCESS',
  'WRITE_ACCESS',
] as const;

export const ALARM_SEVERITY = ['NO_ALARM', 'MINOR', 'MAJOR', 'INVALID'] as const;
