/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "eqdesign.h"

#include <math.h>

enum { BELL = 1, LOWSHELF = 2, HIGHSHELF = 3 };

/* |H(j 2 pi f)|^2 of the prototype at f0. */
static double
analog_sq(int type, double f0, double gain_db, double q, double f)
{
	const double A = pow(10.0, gain_db / 40.0), w = f / f0, w2 = w * w, sa = sqrt(A);
	double num, den;

	switch (type) {
	case BELL:
		num = (1.0 - w2) * (1.0 - w2) + (w * A / q) * (w * A / q);
		den = (1.0 - w2) * (1.0 - w2) + (w / (A * q)) * (w / (A * q));
		return num / den;
	case LOWSHELF:
		num = (A - w2) * (A - w2) + (sa * w / q) * (sa * w / q);
		den = (1.0 - A * w2) * (1.0 - A * w2) + (sa * w / q) * (sa * w / q);
		return A * A * num / den;
	case HIGHSHELF:
		num = (1.0 - A * w2) * (1.0 - A * w2) + (sa * w / q) * (sa * w / q);
		den = (A - w2) * (A - w2) + (sa * w / q) * (sa * w / q);
		return A * A * num / den;
	default:
		return 1.0;
	}
}

double
eqd_analog_db(int type, double f0, double gain_db, double q, double f)
{
	return 10.0 * log10(analog_sq(type, f0, gain_db, q, f));
}

static const struct eqd_svf identity = { 0.1, 1.0, 1.0, 0.0, 0.0 };

struct bq {
	double b0, b1, b2, a1, a2; /* a0 = 1 */
};

/* Impulse-invariant poles of s^2 + s wp/qp + wp^2 (wp = 2 pi fp). */
static void
poles(struct bq *z, double fp, double qp, double fs)
{
	const double wp = 2.0 * M_PI * fp / fs, q = 1.0 / (2.0 * qp);

	z->a2 = exp(-2.0 * q * wp);
	z->a1 = q <= 1.0 ? -2.0 * exp(-q * wp) * cos(sqrt(1.0 - q * q) * wp)
	                 : -2.0 * exp(-q * wp) * cosh(sqrt(q * q - 1.0) * wp);
}

/* Vicanek's zeros from B0, B1, B2 (|numerator|^2 = B0 phi0 + B1 phi1 + B2 phi2). */
static void
zeros(struct bq *z, double B0, double B1, double B2)
{
	const double W = 0.5 * (sqrt(B0) + sqrt(B1));

	z->b0 = 0.5 * (W + sqrt(fmax(W * W + B2, 0.0)));
	z->b1 = 0.5 * (sqrt(B0) - sqrt(B1));
	z->b2 = -B2 / (4.0 * z->b0);
}

/* A bell boost (gain_db >= 0): Vicanek's matched peaking filter (|H| matched at DC and at f0,
 * with its maximum at f0), prototype poles at f0 with Q A, G = A^2. */
static struct bq
bell(double f0, double gain_db, double q, double fs)
{
	const double A = pow(10.0, gain_db / 40.0), G = A * A, w0 = 2.0 * M_PI * f0 / fs;
	const double p1 = sin(w0 / 2.0) * sin(w0 / 2.0), p0 = 1.0 - p1, p2 = 4.0 * p0 * p1;
	struct bq z;

	poles(&z, f0, q * A, fs);
	const double A0 = (1.0 + z.a1 + z.a2) * (1.0 + z.a1 + z.a2);
	const double A1 = (1.0 - z.a1 + z.a2) * (1.0 - z.a1 + z.a2), A2 = -4.0 * z.a2;
	const double R1 = G * G * (A0 * p0 + A1 * p1 + A2 * p2);
	const double R2 = G * G * (-A0 + A1 + 4.0 * (p0 - p1) * A2);
	const double B0 = A0, B2 = (R1 - R2 * p1 - B0) / (4.0 * p1 * p1);
	const double B1 = R2 + B0 - 4.0 * (p0 - p1) * B2;
	zeros(&z, B0, fmax(B1, 0.0), B2);
	return z;
}

/* A shelf whose poles lie under f0 (a low-shelf boost, a high-shelf cut): poles of the
 * prototype by impulse invariance, |H| matched at DC, Nyquist and f0. */
static struct bq
shelf(int type, double f0, double gain_db, double q, double fs)
{
	const double A = pow(10.0, gain_db / 40.0), w0 = 2.0 * M_PI * f0 / fs;
	const double p1 = sin(w0 / 2.0) * sin(w0 / 2.0), p0 = 1.0 - p1, p2 = 4.0 * p0 * p1;
	struct bq z;

	poles(&z, type == LOWSHELF ? f0 / sqrt(A) : f0 * sqrt(A), q, fs);
	const double A0 = (1.0 + z.a1 + z.a2) * (1.0 + z.a1 + z.a2);
	const double A1 = (1.0 - z.a1 + z.a2) * (1.0 - z.a1 + z.a2), A2 = -4.0 * z.a2;
	const double B0 = A0 * analog_sq(type, f0, gain_db, q, 0.0);
	const double B1 = A1 * analog_sq(type, f0, gain_db, q, 0.5 * fs);
	const double B2 = (analog_sq(type, f0, gain_db, q, f0) * (A0 * p0 + A1 * p1 + A2 * p2) -
	                   B0 * p0 - B1 * p1) /
	                  p2;
	zeros(&z, B0, B1, B2);
	return z;
}

/* 1/H: the zeros (minimum phase, inside the unit circle) become the poles. */
static struct bq
invert(struct bq z)
{
	struct bq r = { 1.0 / z.b0, z.a1 / z.b0, z.a2 / z.b0, z.b1 / z.b0, z.b2 / z.b0 };

	return r;
}

struct eqd_svf
eqd_matched(int type, double f0, double gain_db, double q, double fs)
{
	struct bq z;

	if (type < BELL || type > HIGHSHELF || !(q > 0.0) || !(fs > 0.0) || gain_db == 0.0)
		return identity;
	f0 = fmin(fmax(f0, 1.0), 0.49 * fs);
	/* Every prototype here is the reciprocal of itself with the opposite gain (a cut is a boost
	 * turned upside down), so each is designed in the orientation whose poles lie low, where
	 * impulse invariance is accurate: a bell as a boost, a low shelf as a boost, a high shelf
	 * as a cut (a high-shelf boost's poles are at f0 sqrt(A), past Nyquist for a 16 kHz
	 * boost); the other orientation is its inverse. */
	if (type == BELL)
		z = gain_db > 0.0 ? bell(f0, gain_db, q, fs) : invert(bell(f0, -gain_db, q, fs));
	else if ((type == LOWSHELF) == (gain_db > 0.0))
		z = shelf(type, f0, gain_db, q, fs);
	else
		z = invert(shelf(type, f0, -gain_db, q, fs));

	/* the biquad as an SVF: g, k from the poles, the mix from the zeros */
	struct eqd_svf s;
	const double den = 1.0 - z.a1 + z.a2, g2 = (1.0 + z.a1 + z.a2) / den, d0 = 4.0 / den;
	s.g = sqrt(g2);
	s.k = 2.0 * (1.0 - z.a2) / den / s.g;
	s.m0 = (z.b0 - z.b1 + z.b2) / den;
	const double R = 0.5 * (z.b1 - s.m0 * z.a1), P = z.b0 - s.m0 - R;
	s.m1 = P * d0 / s.g;
	s.m2 = R * d0 / g2;
	return s;
}

double
eqd_svf_db(const struct eqd_svf *s, double f, double fs)
{
	const double g = s->g, k = s->k, d0 = 1.0 + g * k + g * g;
	const double a1 = 2.0 * (g * g - 1.0) / d0, a2 = (1.0 - g * k + g * g) / d0;
	const double b0 = s->m0 + (s->m1 * g + s->m2 * g * g) / d0;
	const double b1 = s->m0 * a1 + 2.0 * s->m2 * g * g / d0;
	const double b2 = s->m0 * a2 + (-s->m1 * g + s->m2 * g * g) / d0;
	const double w = 2.0 * M_PI * f / fs, c1 = cos(w), s1 = sin(w), c2 = cos(2 * w),
	             sn2 = sin(2 * w);
	const double nr = b0 + b1 * c1 + b2 * c2, ni = -(b1 * s1 + b2 * sn2);
	const double dr = 1.0 + a1 * c1 + a2 * c2, di = -(a1 * s1 + a2 * sn2);

	return 10.0 * log10((nr * nr + ni * ni) / (dr * dr + di * di));
}
