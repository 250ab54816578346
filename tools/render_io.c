/* SPDX-License-Identifier: GPL-2.0-or-later */
/* render_io: stems in through libsndfile, the output WAV out through a temporary file. */
#include "render_io.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sndfile.h>

#include "atomic_file.h"

/* What the pre-flight check decodes of every stem: enough to get past the headers into the
 * audio, so a file that is garbage after a plausible header is refused before rendering. */
#define RENDER_PROBE_FRAMES 4096

struct render_stem {
	SNDFILE *sf;
	const char *path;
	SF_INFO info;
	uint64_t pos; /* frames read in this pass */
};

struct render_stems {
	unsigned n;
	unsigned rate;
	uint64_t frames;
	float *buf; /* interleaved read buffer, max_block * RENDER_STEM_MAX_CHANNELS */
	uint32_t max_block;
	struct render_stem st[];
};

/* Reads the first frames of a stem and rewinds: libsndfile's open only parses headers. */
static int
probe_stem(struct render_stem *t, char *err, size_t errlen)
{
	float buf[RENDER_PROBE_FRAMES * RENDER_STEM_MAX_CHANNELS];
	sf_count_t want =
	    t->info.frames < RENDER_PROBE_FRAMES ? t->info.frames : RENDER_PROBE_FRAMES;
	sf_count_t got = sf_readf_float(t->sf, buf, want);

	if (got != want || sf_error(t->sf)) {
		snprintf(err, errlen, "%s: cannot decode: %s", t->path,
		         sf_error(t->sf) ? sf_strerror(t->sf)
		                         : "file ends before its declared length");
		return -EIO;
	}
	if (sf_seek(t->sf, 0, SEEK_SET) != 0) {
		snprintf(err, errlen, "%s: cannot seek: %s", t->path, sf_strerror(t->sf));
		return -EIO;
	}
	return 0;
}

struct render_stems *
render_stems_open(const char *const *paths, unsigned n, char *err, size_t errlen)
{
	struct render_stems *s;

	s = calloc(1, sizeof(*s) + n * sizeof(s->st[0]));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->n = n;
	for (unsigned k = 0; k < n; k++) {
		struct render_stem *t = &s->st[k];

		t->path = paths[k];
		t->sf = sf_open(t->path, SFM_READ, &t->info);
		if (!t->sf) {
			/* sf_strerror(NULL) is the reason the last open failed */
			snprintf(err, errlen, "%s: %s", t->path, sf_strerror(NULL));
			goto fail;
		}
		if (t->info.channels < 1 || t->info.channels > RENDER_STEM_MAX_CHANNELS) {
			snprintf(err, errlen, "%s: %d channels; a stem must be mono or stereo",
			         t->path, t->info.channels);
			goto fail;
		}
		if (k == 0) {
			s->rate = (unsigned)t->info.samplerate;
		} else if ((unsigned)t->info.samplerate != s->rate) {
			snprintf(
			    err, errlen,
			    "%s is %d Hz but %s is %u Hz: all stems must share one sample rate",
			    t->path, t->info.samplerate, s->st[0].path, s->rate);
			goto fail;
		}
		if (probe_stem(t, err, errlen) < 0)
			goto fail;
		if ((uint64_t)t->info.frames > s->frames)
			s->frames = (uint64_t)t->info.frames;
	}
	return s;

fail:
	render_stems_free(s);
	return NULL;
}

void
render_stems_free(struct render_stems *s)
{
	if (!s)
		return;
	for (unsigned k = 0; k < s->n; k++)
		if (s->st[k].sf)
			sf_close(s->st[k].sf);
	free(s->buf);
	free(s);
}

unsigned
render_stems_count(const struct render_stems *s)
{
	return s->n;
}

unsigned
render_stems_rate(const struct render_stems *s)
{
	return s->rate;
}

unsigned
render_stems_channels(const struct render_stems *s, unsigned k)
{
	return (unsigned)s->st[k].info.channels;
}

uint64_t
render_stems_frames(const struct render_stems *s)
{
	return s->frames;
}

int
render_stems_reserve(struct render_stems *s, uint32_t max_block)
{
	float *b = realloc(s->buf, (size_t)max_block * RENDER_STEM_MAX_CHANNELS * sizeof(*b));

	if (!b)
		return -ENOMEM;
	s->buf = b;
	s->max_block = max_block;
	return 0;
}

int
render_stems_rewind(struct render_stems *s, char *err, size_t errlen)
{
	for (unsigned k = 0; k < s->n; k++) {
		if (sf_seek(s->st[k].sf, 0, SEEK_SET) != 0) {
			snprintf(err, errlen, "%s: cannot seek: %s", s->st[k].path,
			         sf_strerror(s->st[k].sf));
			return -EIO;
		}
		s->st[k].pos = 0;
	}
	return 0;
}

int
render_stems_read(struct render_stems *s, const struct render_route *to, uint32_t n, char *err,
                  size_t errlen)
{
	if (n > s->max_block) {
		snprintf(err, errlen, "internal: block of %u frames > %u", n, s->max_block);
		return -EINVAL;
	}
	for (unsigned k = 0; k < s->n; k++) {
		struct render_stem *t = &s->st[k];
		const unsigned ch = (unsigned)t->info.channels;
		uint64_t left = (uint64_t)t->info.frames - t->pos;
		sf_count_t want = left < n ? (sf_count_t)left : (sf_count_t)n, got = 0;

		if (want > 0)
			got = sf_readf_float(t->sf, s->buf, want);
		if (got != want) {
			snprintf(err, errlen, "%s: decoding stopped at frame %llu of %lld: %s",
			         t->path,
			         (unsigned long long)(t->pos + (uint64_t)(got > 0 ? got : 0)),
			         (long long)t->info.frames,
			         sf_error(t->sf) ? sf_strerror(t->sf) : "the file is truncated");
			return -EIO;
		}
		t->pos += (uint64_t)got;
		for (unsigned c = 0; c < 2; c++) {
			float *dst = to[k].ch[c];
			const float *src = s->buf + (c < ch ? c : 0);
			sf_count_t f;

			if (!dst)
				continue;
			for (f = 0; f < got; f++)
				dst[f] = src[f * ch];
			for (; f < (sf_count_t)n; f++)
				dst[f] = 0.0f;
		}
	}
	return 0;
}

struct render_out {
	SNDFILE *sf;
	struct atomic_file file;
};

struct render_out *
render_out_open(const char *path, unsigned rate, char *err, size_t errlen)
{
	return render_out_open_channels(path, rate, 2, err, errlen);
}

struct render_out *
render_out_open_channels(const char *path, unsigned rate, unsigned channels, char *err,
                         size_t errlen)
{
	struct render_out *o = calloc(1, sizeof(*o));
	SF_INFO info = { .samplerate = (int)rate,
		         .channels = (int)channels,
		         .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT };

	if (!o) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (atomic_file_open(&o->file, path, 0666, false, err, errlen) < 0) {
		free(o);
		return NULL;
	}
	/* our own descriptor (close_desc false), so it can be fsynced after libsndfile is done */
	o->sf = sf_open_fd(o->file.fd, SFM_WRITE, &info, 0);
	if (!o->sf) {
		snprintf(err, errlen, "%s: %s", o->file.tmp, sf_strerror(NULL));
		atomic_file_abort(&o->file);
		free(o);
		return NULL;
	}
	/* no PEAK chunk: it holds a time stamp, and the same render should give the same bytes */
	sf_command(o->sf, SFC_SET_ADD_PEAK_CHUNK, NULL, SF_FALSE);
	return o;
}

int
render_out_write(struct render_out *o, const float *lr, size_t n, char *err, size_t errlen)
{
	if (sf_writef_float(o->sf, lr, (sf_count_t)n) != (sf_count_t)n) {
		snprintf(err, errlen, "%s: %s", o->file.tmp, sf_strerror(o->sf));
		return -EIO;
	}
	return 0;
}

int
render_out_commit(struct render_out *o, char *err, size_t errlen)
{
	int ret, sret = sf_close(o->sf);

	if (sret != 0) {
		snprintf(err, errlen, "%s: %s", o->file.tmp, sf_error_number(sret));
		atomic_file_abort(&o->file);
		ret = -EIO;
	} else {
		ret = atomic_file_commit(&o->file, err, errlen);
	}
	free(o);
	return ret;
}

void
render_out_abort(struct render_out *o)
{
	if (!o)
		return;
	sf_close(o->sf);
	atomic_file_abort(&o->file);
	free(o);
}
