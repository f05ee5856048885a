/**
 * The complementary error function, from the Abramowitz & Stegun formula 7.1.26 for erf
 * (absolute error below 1.5e-7, ample for detector shape functions).
 */
const P = 0.3275911;
const A = [0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429];

export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + P * z);
  const poly = t * (A[0] + t * (A[1] + t * (A[2] + t * (A[3] + t * A[4]))));
  const tail = poly * Math.exp(-z * z); // erfc(|x|)
  return x >= 0 ? tail : 2 - tail;
}
