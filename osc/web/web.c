/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "web_priv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "model.h"

/* ---- who may talk to the port ---- */

/* True for "localhost", 127.x.y.z and [::1], with or without a port. */
static bool
loopback_host(const char *host)
{
	char name[64];
	const char *end;
	struct in_addr a4;
	size_t n;

	if (host[0] == '[') {
		end = strchr(host, ']');
		return end && (size_t)(end - host) == 4 && !strncmp(host, "[::1]", 5) &&
		       (end[1] == '\0' || end[1] == ':');
	}
	end = strchr(host, ':');
	n = end ? (size_t)(end - host) : strlen(host);
	if (n == 0 || n >= sizeof(name))
		return false;
	memcpy(name, host, n);
	name[n] = '\0';
	if (!strcasecmp(name, "localhost"))
		return true;
	return inet_pton(AF_INET, name, &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127;
}

bool
web_host_ok(struct web *w, struct lws *wsi, bool check_origin)
{
	char host[128], origin[160], want[160];
	int hl = lws_hdr_copy(wsi, host, sizeof(host), WSI_TOKEN_HOST);
	int ol = check_origin ? lws_hdr_copy(wsi, origin, sizeof(origin), WSI_TOKEN_ORIGIN) : 0;

	/* a browser always names the host; a request without one is not a browser's, and
	 * rebinding a name needs one */
	if (hl > 0 && w->loopback && !loopback_host(host))
		return false;
	if (ol < 0 || hl < 0)
		return false; /* longer than any name of ours */
	if (ol > 0) {
		if (hl <= 0)
			return false;
		snprintf(want, sizeof(want), "http://%s", host);
		return !strcasecmp(origin, want);
	}
	return true;
}

/* ---- HTTP ---- */

/* Frees c's body and gives back its place among the bodies in flight. */
static void
drop_body(struct web *w, struct web_conn *c)
{
	if (c->body_held) {
		w->n_bodies--;
		c->body_held = false;
	}
	jbuf_free(&c->body);
}

/* Sends the status line and headers, and queues data (not copied: it must live until sent). */
static int
respond(struct web *w, struct lws *wsi, struct web_conn *c, unsigned status, const char *ctype,
        const char *data, size_t len, const char *location)
{
	unsigned char *start = w->scratch + LWS_PRE, *p = start;
	unsigned char *end = w->scratch + sizeof(w->scratch) - 1;
	static const char nocache[] = "no-cache", nosniff[] = "nosniff";
	/* the page loads only its own files and talks only to this port */
	static const char csp[] = "default-src 'self'; connect-src 'self'; img-src 'self' data:; "
	                          "style-src 'self'; frame-ancestors 'none'";

	if (status >= 400)
		w->st.http_errors++;
	if (lws_add_http_common_headers(wsi, status, ctype, len, &p, end) ||
	    lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL,
	                                 (const unsigned char *)nocache, sizeof(nocache) - 1, &p,
	                                 end) ||
	    lws_add_http_header_by_name(wsi, (const unsigned char *)"x-content-type-options:",
	                                (const unsigned char *)nosniff, sizeof(nosniff) - 1, &p,
	                                end) ||
	    lws_add_http_header_by_name(wsi, (const unsigned char *)"content-security-policy:",
	                                (const unsigned char *)csp, sizeof(csp) - 1, &p, end))
		return -1;
	if (location && lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_LOCATION,
	                                             (const unsigned char *)location,
	                                             (int)strlen(location), &p, end))
		return -1;
	if (lws_finalize_write_http_header(wsi, start, &p, end))
		return -1;
	c->out = data;
	c->out_len = len;
	c->out_sent = 0;
	if (len == 0) {
		drop_body(w, c);
		return lws_http_transaction_completed(wsi) ? -1 : 0;
	}
	lws_callback_on_writable(wsi);
	return 0;
}

static int
respond_text(struct web *w, struct lws *wsi, struct web_conn *c, unsigned status, const char *text)
{
	return respond(w, wsi, c, status, "text/plain; charset=utf-8", text, strlen(text), NULL);
}

static int
http_write(struct web *w, struct lws *wsi, struct web_conn *c)
{
	size_t n;
	bool last;

	if (!c->out)
		return 0;
	n = c->out_len - c->out_sent;
	if (n > WEB_CHUNK)
		n = WEB_CHUNK;
	last = c->out_sent + n == c->out_len;
	memcpy(w->scratch + LWS_PRE, c->out + c->out_sent, n);
	if (lws_write(wsi, w->scratch + LWS_PRE, n, last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) !=
	    (int)n)
		return -1;
	c->out_sent += n;
	if (!last) {
		lws_callback_on_writable(wsi);
		return 0;
	}
	c->out = NULL;
	drop_body(w, c);
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

static int
serve_file(struct web *w, struct lws *wsi, struct web_conn *c, const char *name)
{
	const struct web_file *f = web_files_find(w, *name ? name : "index.html");

	if (!f)
		return respond_text(w, wsi, c, 404,
		                    w->n_files ? "no such file\n"
		                               : "mixd's page is not installed (see --web-root)\n");
	return respond(w, wsi, c, 200, f->ctype, f->data, f->len, NULL);
}

/* Whether the request says it wants HTML (a browser typing the address), not JSON. */
static bool
wants_html(struct lws *wsi)
{
	char accept[256];

	return lws_hdr_copy(wsi, accept, sizeof(accept), WSI_TOKEN_HTTP_ACCEPT) > 0 &&
	       strstr(accept, "text/html");
}

static int
http_request(struct web *w, struct lws *wsi, struct web_conn *c, const char *path)
{
	struct oscquery_host h = { .name = w->name, .osc_port = w->cfg.osc_port };
	char query[64] = "";
	int status, ql;

	w->st.http_requests++;
	drop_body(w, c);
	c->out = NULL;
	if (!web_host_ok(w, wsi, false)) {
		w->st.refused++;
		return respond_text(w, wsi, c, 403, "host not allowed\n");
	}
	if (lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) <= 0)
		return respond_text(w, wsi, c, 405, "only GET\n");
	ql = lws_hdr_copy(wsi, query, sizeof(query), WSI_TOKEN_HTTP_URI_ARGS);
	if (ql < 0)
		return respond_text(w, wsi, c, 400, "query too long\n");
	if (!strcmp(path, "/ui"))
		return respond(w, wsi, c, 302, "text/plain", "", 0, "/ui/");
	if (!strncmp(path, "/ui/", 4))
		return serve_file(w, wsi, c, path + 4);
	if (!strcmp(path, "/") && !query[0] && wants_html(wsi))
		return respond(w, wsi, c, 302, "text/plain", "", 0, "/ui/");
	if (strcmp(w->host, "0.0.0.0") && strcmp(w->host, "::"))
		h.osc_ip = w->host;
	if (w->n_bodies >= WEB_MAX_BODIES)
		return respond_text(w, wsi, c, 503, "busy: too many requests at once\n");
	w->n_bodies++;
	c->body_held = true;
	jbuf_init(&c->body, WEB_JSON_MAX);
	status = oscquery_get(w->q, w->m, &h, path, query, &c->body);
	switch (status) {
	case 200:
		return respond(w, wsi, c, 200, "application/json", c->body.p, c->body.len, NULL);
	case 204:
		return respond(w, wsi, c, 204, "application/json", "", 0, NULL);
	case 400:
		return respond_text(w, wsi, c, 400, "unknown attribute\n");
	case 404:
		return respond_text(w, wsi, c, 404, "no such node\n");
	default:
		return respond_text(w, wsi, c, 500, "reply too large\n");
	}
}

static int
callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct web *w = lws_context_user(lws_get_context(wsi));
	struct web_conn *c = user;

	switch (reason) {
	case LWS_CALLBACK_FILTER_NETWORK_CONNECTION: {
		const struct lws_filter_network_conn_args *a = user;

		/* user is the peer here, not our per-connection data */
		if (!a || !allow_match(w->cfg.allow, (const struct sockaddr *)&a->cli_addr)) {
			w->st.refused++;
			return 1;
		}
		w->st.connections++;
		return 0;
	}
	case LWS_CALLBACK_HTTP:
		return http_request(w, wsi, c, in ? (const char *)in : "/");
	case LWS_CALLBACK_HTTP_WRITEABLE:
		return http_write(w, wsi, c);
	case LWS_CALLBACK_CLOSED_HTTP:
	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
		if (c && !c->ws) {
			drop_body(w, c);
			c->out = NULL;
		}
		break;
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
	case LWS_CALLBACK_ESTABLISHED:
	case LWS_CALLBACK_RECEIVE:
	case LWS_CALLBACK_SERVER_WRITEABLE:
	case LWS_CALLBACK_CLOSED:
		return web_ws_callback(w, wsi, reason, c, in, len);
	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

/* ---- the port ---- */

static void
log_line(int level, const char *line)
{
	fprintf(stderr, "mixd: web: %s", line);
}

/* Binds host:port once ourselves: lws says only that it failed, and a port already taken is
 * the one failure worth telling apart. Returns 0 or -errno. */
static int
probe_bind(const char *host, int port)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int fd, one = 1, ret = 0;

	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		((struct sockaddr_in *)&ss)->sin_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
		len = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)&ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
		len = sizeof(struct sockaddr_in6);
	} else {
		return -EINVAL;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

struct web *
web_new(const struct web_config *cfg, struct model *m, struct osc_server *srv, bool *busy,
        char *err, size_t errlen)
{
	struct lws_context_creation_info info;
	struct web *w;
	void *loops[1];
	int rc;

	*busy = false;
	rc = probe_bind(cfg->host, cfg->port);
	if (rc < 0) {
		*busy = rc == -EADDRINUSE;
		snprintf(err, errlen, "cannot bind HTTP port %s:%d: %s", cfg->host, cfg->port,
		         strerror(-rc));
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	w->cfg = *cfg;
	snprintf(w->host, sizeof(w->host), "%s", cfg->host);
	snprintf(w->name, sizeof(w->name), "%s", cfg->name);
	w->cfg.host = w->host;
	w->cfg.name = w->name;
	w->loopback = loopback_host(w->host) || !strcmp(w->host, "::1");
	w->m = m;
	w->srv = srv;
	w->q = oscquery_new(model_params(m));
	if (!w->q) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (!(cfg->root && web_files_load(w, cfg->root)) && !web_files_load(w, MIXD_WEB_DIR) &&
	    !web_files_load(w, MIXD_WEB_SRC_DIR))
		fprintf(stderr, "mixd: web: no page found (%s, %s%s%s): only OSCQuery is served\n",
		        MIXD_WEB_DIR, MIXD_WEB_SRC_DIR, cfg->root ? ", " : "",
		        cfg->root ? cfg->root : "");
	if (uv_loop_init(&w->loop) < 0) {
		snprintf(err, errlen, "cannot create the event loop");
		goto fail;
	}
	w->loop_ok = true;
	w->protocols[0] = (struct lws_protocols){
		.name = "osc",
		.callback = callback,
		.per_session_data_size = sizeof(struct web_conn),
		.rx_buffer_size = 4096,
	};
	lws_set_log_level(LLL_ERR | LLL_WARN, log_line);
	memset(&info, 0, sizeof(info));
	loops[0] = &w->loop;
	info.foreign_loops = loops;
	info.options = LWS_SERVER_OPTION_LIBUV;
	if (!strchr(w->host, ':'))
		info.options |= LWS_SERVER_OPTION_DISABLE_IPV6;
	info.iface = strcmp(w->host, "0.0.0.0") && strcmp(w->host, "::") ? w->host : NULL;
	info.port = cfg->port;
	info.protocols = w->protocols;
	info.user = w;
	info.pcontext = &w->ctx_alive;
	info.gid = (gid_t)-1;
	info.uid = (uid_t)-1;
	info.timeout_secs = 10;
	info.max_http_header_data = 2048;
	info.max_http_header_pool = 2 * WEB_MAX_BODIES; /* headers wait for a slot past this */
	info.fd_limit_per_thread = 4 * WEB_MAX_CLIENTS + 16;
	info.pt_serv_buf_size = WEB_CHUNK;
	info.server_string = "mixd";
	/* a page whose phone left the network sends no FIN: ping a socket quiet for 10 s and
	 * hang up one that has said nothing valid (not even a pong) for 30, so its slot and
	 * its queue come back */
	static const lws_retry_bo_t idle = { .secs_since_valid_ping = 10,
		                             .secs_since_valid_hangup = 30 };
	info.retry_and_idle_policy = &idle;
	info.vhost_name = "mixd";
	w->ctx = lws_create_context(&info);
	w->ctx_alive = w->ctx;
	if (!w->ctx) {
		snprintf(err, errlen, "cannot start the HTTP port %s:%d", cfg->host, cfg->port);
		goto fail;
	}
	osc_server_set_relay(srv, web_ws_relay, w);
	return w;
fail:
	web_free(w);
	return NULL;
}

void
web_free(struct web *w)
{
	if (!w)
		return;
	if (w->ctx) {
		osc_server_set_relay(w->srv, NULL, NULL);
		lws_context_destroy(w->ctx);
	}
	if (w->loop_ok) {
		/* On a foreign loop lws (4.1) only closes its handles in the first
		 * lws_context_destroy; once the loop has run their close callbacks, a second call
		 * frees the rest (its header pool among them). ctx_alive says when it is done: its
		 * handles are unreferenced, so uv_loop_alive cannot. Bounded: each round only runs
		 * callbacks already due. */
		for (int round = 0; round < 4 && w->ctx_alive; round++) {
			for (int i = 0; i < 100 && w->ctx_alive; i++)
				uv_run(&w->loop, UV_RUN_NOWAIT);
			if (w->ctx_alive)
				lws_context_destroy(w->ctx_alive);
		}
		for (int i = 0; i < 1000 && uv_loop_close(&w->loop) == UV_EBUSY; i++)
			uv_run(&w->loop, UV_RUN_NOWAIT);
	}
	web_files_free(w);
	oscquery_free(w->q);
	free(w);
}

int
web_fd(const struct web *w)
{
	return uv_backend_fd(&w->loop);
}

int
web_port(const struct web *w)
{
	return w->cfg.port;
}

const char *
web_root(const struct web *w)
{
	return w->root[0] ? w->root : NULL;
}

void
web_service(struct web *w)
{
	uv_run(&w->loop, UV_RUN_NOWAIT);
}

void
web_tick(struct web *w, const struct feedback_frame *f)
{
	web_ws_tick(w, f);
	web_service(w); /* timers, and the frames this tick queued */
}

unsigned
web_stats(const struct web *w, struct dispatch_stat *out, unsigned max)
{
	const struct web_counters *s = &w->st;
	unsigned n = 0;
#define STAT(nm, v)                                                             \
	do {                                                                    \
		if (n < max)                                                    \
			out[n++] = (struct dispatch_stat){ nm, (uint64_t)(v) }; \
	} while (0)
	STAT("web_connections", s->connections);
	STAT("web_refused", s->refused);
	STAT("http_requests", s->http_requests);
	STAT("http_errors", s->http_errors);
	STAT("ws_clients", w->n_ws);
	STAT("ws_opened", s->ws_opened);
	STAT("ws_frames", s->ws_frames);
	STAT("ws_malformed", s->ws_malformed);
	STAT("ws_oversized", s->ws_oversized);
	STAT("ws_bad_text", s->ws_bad_text);
	STAT("ws_rate_limited", s->ws_rate_limited);
	STAT("ws_sent", s->ws_sent);
	STAT("ws_send_drops", s->ws_send_drops);
#undef STAT
	return n;
}
