// Simulated stand-ins for the test_collection profile's beamline: two motors on a sample stage,
// a pinhole and an edge detector each on its own motor, a spot detector following sample_x, and
// the ring current.
import { SimSignal, SynAxis, SynGauss } from '@ophyd-service/run-engine';

export const sample_x = new SynAxis({ name: 'sample_x' });
export const sample_y = new SynAxis({ name: 'sample_y' });
export const ph_motor = new SynAxis({ name: 'ph_motor' });
export const edge_motor = new SynAxis({ name: 'edge_motor' });

export const det_spot = new SynGauss('det_spot', sample_x, 'sample_x', { center: 0, Imax: 1000, sigma: 1 });
export const det_pinhole = new SynGauss('det_pinhole', ph_motor, 'ph_motor', {
  center: 0,
  Imax: 100,
  sigma: 0.5,
});
export const det_edge = new SynGauss('det_edge', edge_motor, 'edge_motor', {
  center: 0.5,
  Imax: 50,
  sigma: 2,
});

export const ring_current = new SimSignal('ring_current', { value: 400 });
