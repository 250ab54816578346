/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "outbox.h"

#include <errno.h>
#include <string.h>

/* "#bundle\0" and the immediate timetag (0x0000000000000001). */
static const uint8_t bundle_header[16] = { '#', 'b', 'u', 'n', 'd', 'l', 'e', 0,
	                                   0,   0,   0,   0,   0,   0,   0,   1 };

void
outbox_begin(struct outbox *o, struct osc_server *srv, const struct osc_peer *to)
{
	o->srv = srv;
	o->to = *to;
	o->len = 0;
	o->n = 0;
}

static int
send_now(struct outbox *o, const void *buf, size_t len, unsigned n_msgs)
{
	int ret = osc_server_send_raw(o->srv, &o->to, buf, len);

	if (ret < 0) {
		o->errors += n_msgs;
		return ret;
	}
	o->datagrams++;
	o->messages += n_msgs;
	o->bytes += len;
	return 0;
}

int
outbox_flush(struct outbox *o)
{
	int ret = 0;

	if (o->n == 1) {
		/* one message: unwrap it, a plain message is what every client understands */
		ret = send_now(o, o->buf + sizeof(bundle_header) + 4,
		               o->len - sizeof(bundle_header) - 4, 1);
	} else if (o->n > 1) {
		ret = send_now(o, o->buf, o->len, o->n);
	}
	o->len = 0;
	o->n = 0;
	return ret;
}

int
outbox_add(struct outbox *o, const char *path, lo_message m)
{
	size_t size = lo_message_length(m, path);
	int ret = 0, sent;

	if (sizeof(bundle_header) + 4 + size > sizeof(o->buf)) {
		/* too large for any bundle (a long /list line at most is far smaller): alone */
		uint8_t big[16384];
		if (size > sizeof(big)) {
			o->errors++;
			return -EMSGSIZE;
		}
		ret = outbox_flush(o);
		lo_message_serialise(m, path, big, &size);
		sent = send_now(o, big, size, 1);
		return sent < 0 ? sent : ret;
	}
	if (o->len + 4 + size > sizeof(o->buf))
		ret = outbox_flush(o);
	if (o->len == 0) {
		memcpy(o->buf, bundle_header, sizeof(bundle_header));
		o->len = sizeof(bundle_header);
	}
	/* element: big-endian size, then the message */
	o->buf[o->len + 0] = (uint8_t)(size >> 24);
	o->buf[o->len + 1] = (uint8_t)(size >> 16);
	o->buf[o->len + 2] = (uint8_t)(size >> 8);
	o->buf[o->len + 3] = (uint8_t)size;
	lo_message_serialise(m, path, o->buf + o->len + 4, &size);
	o->len += 4 + size;
	o->n++;
	return ret;
}
