/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "master_deliver.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sndfile.h>
#include <soxr.h>

#include "atomic_file.h"

#define CHUNK 4096 /* frames converted at a time */

struct dfile {
	struct atomic_file af;
	SNDFILE *sf;
	bool open; /* af holds a temporary file */
};

struct deliver {
	struct dfile f[DELIVER_FILES]; /* 24 WAV, 24 FLAC, 16 WAV, 16 FLAC */
	soxr_t rs;                     /* NULL at 44.1 kHz */
	uint64_t rng;
	int32_t i24[2 * CHUNK];
	int16_t i16[2 * CHUNK];
	float rsout[2 * CHUNK];
};

static const struct {
	const char *suffix;
	int format;
	bool hi; /* 24-bit at the source rate, else 16-bit at 44.1 kHz */
} kinds[DELIVER_FILES] = {
	{ ".wav", SF_FORMAT_WAV | SF_FORMAT_PCM_24, true },
	{ ".flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_24, true },
	{ "-44k16.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, false },
	{ "-44k16.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, false },
};

/* xorshift64*: a uniform double in [0, 1) */
static double
uniform(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (double)((*s * 0x2545F4914F6CDD1Dull) >> 11) * (1.0 / 9007199254740992.0);
}

void
deliver_abort(struct deliver *d)
{
	if (!d)
		return;
	for (int k = 0; k < DELIVER_FILES; k++) {
		if (d->f[k].sf)
			sf_close(d->f[k].sf);
		if (d->f[k].open)
			atomic_file_abort(&d->f[k].af);
	}
	if (d->rs)
		soxr_delete(d->rs);
	free(d);
}

struct deliver *
deliver_open(const char *dir, const char *name, unsigned rate, uint64_t seed, char *err,
             size_t errlen)
{
	struct deliver *d = calloc(1, sizeof(*d));
	char path[4096];

	if (!d) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	d->rng = seed * 0x9E3779B97F4A7C15ull + 1;
	for (int k = 0; k < DELIVER_FILES; k++) {
		SF_INFO info = { .samplerate = kinds[k].hi ? (int)rate : DELIVER_RATE_16,
			         .channels = 2,
			         .format = kinds[k].format };
		if ((size_t)snprintf(path, sizeof(path), "%s/%s%s", dir, name, kinds[k].suffix) >=
		    sizeof(path)) {
			snprintf(err, errlen, "%s/%s: name too long", dir, name);
			goto fail;
		}
		if (atomic_file_open(&d->f[k].af, path, 0666, false, err, errlen) < 0)
			goto fail;
		d->f[k].open = true;
		/* our descriptor (close_desc false): atomic_file fsyncs and renames it */
		d->f[k].sf = sf_open_fd(d->f[k].af.fd, SFM_WRITE, &info, 0);
		if (!d->f[k].sf) {
			snprintf(err, errlen, "%s: %s", d->f[k].af.tmp, sf_strerror(NULL));
			goto fail;
		}
		sf_command(d->f[k].sf, SFC_SET_ADD_PEAK_CHUNK, NULL, SF_FALSE);
	}
	if (rate != DELIVER_RATE_16) {
		soxr_error_t e = NULL;
		soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
		soxr_quality_spec_t q = soxr_quality_spec(SOXR_VHQ, 0);

		d->rs = soxr_create(rate, DELIVER_RATE_16, 2, &e, &io, &q, NULL);
		if (!d->rs || e) {
			snprintf(err, errlen, "libsoxr: %s", e ? e : "cannot resample");
			goto fail;
		}
	}
	return d;
fail:
	deliver_abort(d);
	return NULL;
}

static int
write_failed(struct deliver *d, int k, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: %s", d->f[k].af.tmp, sf_strerror(d->f[k].sf));
	return -EIO;
}

/* n <= CHUNK frames at 44.1 kHz: TPDF dither, round, clip, write both 16-bit files. */
static int
write16(struct deliver *d, const float *lr, size_t n, char *err, size_t errlen)
{
	for (size_t i = 0; i < 2 * n; i++) {
		double tpdf = uniform(&d->rng) + uniform(&d->rng) - 1.0; /* -1 .. 1 LSB */
		double q = floor((double)lr[i] * 32768.0 + tpdf + 0.5);
		d->i16[i] = (int16_t)(q > 32767.0 ? 32767.0 : q < -32768.0 ? -32768.0 : q);
	}
	for (int k = 2; k < 4; k++)
		if (sf_writef_short(d->f[k].sf, d->i16, (sf_count_t)n) != (sf_count_t)n)
			return write_failed(d, k, err, errlen);
	return 0;
}

/* Feeds n frames (NULL: the end) to the resampler and writes what comes out. */
static int
resample(struct deliver *d, const float *lr, size_t n, char *err, size_t errlen)
{
	size_t done = 0;

	do {
		size_t idone = 0, odone = 0;
		soxr_error_t e = soxr_process(d->rs, lr ? lr + 2 * done : NULL, lr ? n - done : 0,
		                              &idone, d->rsout, CHUNK, &odone);
		if (e) {
			snprintf(err, errlen, "libsoxr: %s", e);
			return -EIO;
		}
		done += idone;
		if (odone) {
			int ret = write16(d, d->rsout, odone, err, errlen);
			if (ret)
				return ret;
		}
		if (!lr && odone == 0)
			break; /* flushed */
	} while (!lr || done < n);
	return 0;
}

int
deliver_write(void *ctx, const float *lr, size_t n, char *err, size_t errlen)
{
	struct deliver *d = ctx;

	for (size_t off = 0; off < n; off += CHUNK) {
		size_t m = n - off < CHUNK ? n - off : CHUNK;
		const float *x = lr + 2 * off;
		int ret;

		/* 24-bit: rounded and clipped here, handed over left-justified in 32 bits, so the
		 * file holds round(x 2^23) exactly (libsndfile's own float conversion scales by
		 * 2^23 - 1) */
		for (size_t i = 0; i < 2 * m; i++) {
			double q = nearbyint((double)x[i] * 8388608.0);
			q = q > 8388607.0 ? 8388607.0 : q < -8388608.0 ? -8388608.0 : q;
			d->i24[i] = (int32_t)q * 256;
		}
		for (int k = 0; k < 2; k++)
			if (sf_writef_int(d->f[k].sf, d->i24, (sf_count_t)m) != (sf_count_t)m)
				return write_failed(d, k, err, errlen);
		ret = d->rs ? resample(d, x, m, err, errlen) : write16(d, x, m, err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}

int
deliver_finish(struct deliver *d, char *err, size_t errlen)
{
	int ret = d->rs ? resample(d, NULL, 0, err, errlen) : 0;

	for (int k = 0; k < DELIVER_FILES && !ret; k++) {
		int sret = sf_close(d->f[k].sf);
		d->f[k].sf = NULL;
		if (sret) {
			snprintf(err, errlen, "%s: %s", d->f[k].af.tmp, sf_error_number(sret));
			ret = -EIO;
		}
	}
	return ret;
}

int
deliver_commit(struct deliver *d, char *err, size_t errlen)
{
	int ret = 0;

	for (int k = 0; k < DELIVER_FILES; k++) {
		if (!ret && !d->f[k].sf) {
			ret = atomic_file_commit(&d->f[k].af, err, errlen);
			d->f[k].open = false;
		}
	}
	deliver_abort(d); /* whatever is left: removed */
	return ret;
}

const char *
deliver_path(const struct deliver *d, unsigned k)
{
	return k < DELIVER_FILES ? d->f[k].af.path : "";
}
