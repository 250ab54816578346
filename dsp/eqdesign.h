/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * eqdesign: bells and shelves that follow their analog prototype up to Nyquist (no cramping),
 * as coefficients of a trapezoidal SVF (dsp-reference.md §1.2-1.3).
 *
 * The bilinear transform maps Nyquist to infinite frequency, so an RBJ/SVF bell near fs/2 is
 * squeezed and its gain forced back to 0 dB there (a 16 kHz +12 dB bell at 48 kHz reads
 * 6.2 dB under its prototype at 20 kHz). Here, after M. Vicanek, "Matched Second Order
 * Digital Filters" (2016): the poles are the prototype's by impulse invariance
 * (z = e^{sT}: a1 = -2 e^{-q w0} cos(sqrt(1 - q^2) w0), a2 = e^{-2 q w0}, q = 1/(2 Qp)), and
 * the zeros are fitted so that |H| equals the prototype's at DC, at Nyquist and at f0
 * (|H(w)|^2 = (B0 phi0 + B1 phi1 + B2 phi2) / (A0 phi0 + A1 phi1 + A2 phi2), phi0 =
 * cos^2(w/2), phi1 = sin^2(w/2), phi2 = 4 phi0 phi1; B0 and B1 from the DC and Nyquist
 * gains, B2 from f0's, then b0, b1, b2 by Vicanek's factorisation). The prototypes are RBJ's
 * (the cookbook's analog forms): bell (s^2 + s A/Q + 1)/(s^2 + s/(A Q) + 1), low shelf
 * A (s^2 + s sqrt(A)/Q + A)/(A s^2 + s sqrt(A)/Q + 1), high shelf
 * A (A s^2 + s sqrt(A)/Q + 1)/(s^2 + s sqrt(A)/Q + A), A = 10^(dB/40).
 *
 * The biquad is then written as an SVF: g, k from the poles (g^2 = (1 + a1 + a2)/(1 - a1 + a2),
 * g k = 2 (1 - a2)/(1 - a1 + a2)) and the mix m0 v0 + m1 v1 + m2 v2 solved from the zeros, so
 * the filter keeps the SVF's integrator states and stays quiet while it moves.
 *
 * Thread: pure functions, any thread (libm: not per sample).
 */
#ifndef MIXD_EQDESIGN_H
#define MIXD_EQDESIGN_H

/* An SVF stage: v3 = x - ic2, v1 = a1 ic1 + a2 v3, v2 = ic2 + a2 ic1 + a3 v3 (a1 = 1/(1 +
 * g (g + k)), a2 = g a1, a3 = g a2), out = m0 x + m1 v1 + m2 v2. */
struct eqd_svf {
	double g, k, m0, m1, m2;
};

/* type: 1 bell, 2 low shelf, 3 high shelf (enum engine_eq_type; anything else: identity);
 * f0 in Hz (clamped to 0.49 fs), gain in dB, q > 0. */
struct eqd_svf eqd_matched(int type, double f0, double gain_db, double q, double fs);

/* The analog prototype's magnitude in dB at f (the reference the design follows). */
double eqd_analog_db(int type, double f0, double gain_db, double q, double f);

/* The digital magnitude in dB of an SVF stage at f (for tests and docs). */
double eqd_svf_db(const struct eqd_svf *s, double f, double fs);

#endif
