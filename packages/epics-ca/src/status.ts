/**
 * Channel Access status codes (ECA_*): `(message number << 3) | severity`, as libca reports them.
 * Only the codes this library sends or interprets are named.
 */
export const ECA = {
  NORMAL: 1,
  ALLOCMEM: 48,
  TOLARGE: 72,
  TIMEOUT: 80,
  BADTYPE: 114,
  INTERNAL: 142,
  GETFAIL: 152,
  PUTFAIL: 160,
  BADCOUNT: 176,
  BADSTR: 186,
  DISCONN: 192,
  EVDISALLOW: 210,
  BADMONID: 242,
  BADMASK: 330,
  NORDACCESS: 368,
  NOWTACCESS: 376,
  NOCONVERT: 400,
  BADCHID: 410,
  CHANDESTROY: 440,
  UNRESPTMO: 480,
} as const;

const TEXT: Record<number, string> = {
  1: 'Normal successful completion',
  48: 'Unable to allocate additional dynamic memory',
  72: 'The requested transfer is greater than available memory or EPICS_CA_MAX_ARRAY_BYTES',
  80: 'User specified timeout on IO operation expired',
  114: 'The data type specified is invalid',
  142: 'Channel Access internal failure',
  152: 'Channel read request failed',
  160: 'Channel write request failed',
  176: 'Invalid element count requested',
  186: 'Invalid string',
  192: 'Virtual circuit disconnect',
  242: 'Bad event subscription (monitor) identifier',
  330: 'Invalid event selection mask',
  368: 'Read access denied',
  376: 'Write access denied',
  400: 'No reasonable data conversion between client and server types',
  410: 'Invalid channel identifier',
  440: 'The channel was destroyed',
  480: 'Virtual circuit unresponsive',
};

export const ecaMessage = (code: number) => TEXT[code] ?? `CA status ${code}`;
/** Success codes have the low severity bit set (ECA_NORMAL = 1). */
export const ecaSucceeded = (code: number) => (code & 1) === 1;
