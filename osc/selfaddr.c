/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "selfaddr.h"

#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <string.h>

/* The port of an IPv4 or IPv6 address, or -1. */
static int
port_of(const struct sockaddr *a)
{
	if (a->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)a)->sin_port);
	if (a->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)a)->sin6_port);
	return -1;
}

/* addr as IPv4 in *v4 when it is IPv4 or IPv4-mapped IPv6: true then. */
static bool
as_v4(const struct sockaddr *a, struct in_addr *v4)
{
	if (a->sa_family == AF_INET) {
		*v4 = ((const struct sockaddr_in *)a)->sin_addr;
		return true;
	}
	if (a->sa_family == AF_INET6 &&
	    IN6_IS_ADDR_V4MAPPED(&((const struct sockaddr_in6 *)a)->sin6_addr)) {
		memcpy(v4, ((const struct sockaddr_in6 *)a)->sin6_addr.s6_addr + 12, 4);
		return true;
	}
	return false;
}

/* The same host address (ports aside), across IPv4 and IPv4-mapped IPv6. */
static bool
same_host(const struct sockaddr *a, const struct sockaddr *b)
{
	struct in_addr x, y;

	if (as_v4(a, &x) && as_v4(b, &y))
		return x.s_addr == y.s_addr;
	if (a->sa_family == AF_INET6 && b->sa_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		               &((const struct sockaddr_in6 *)b)->sin6_addr,
		               sizeof(struct in6_addr));
	return false;
}

static bool
is_loopback(const struct sockaddr *a)
{
	struct in_addr v4;

	if (as_v4(a, &v4))
		return (ntohl(v4.s_addr) >> 24) == 127;
	return a->sa_family == AF_INET6 &&
	       IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)a)->sin6_addr);
}

int
selfaddr_load(struct selfaddr *sa, int fd)
{
	socklen_t len = sizeof(sa->bound);
	struct ifaddrs *ifs, *i;
	struct in_addr v4;

	memset(sa, 0, sizeof(*sa));
	if (getsockname(fd, (struct sockaddr *)&sa->bound, &len) < 0)
		return -errno;
	sa->port = port_of((const struct sockaddr *)&sa->bound);
	if (as_v4((const struct sockaddr *)&sa->bound, &v4))
		sa->any = v4.s_addr == htonl(INADDR_ANY);
	else if (sa->bound.ss_family == AF_INET6)
		sa->any = IN6_IS_ADDR_UNSPECIFIED(&((struct sockaddr_in6 *)&sa->bound)->sin6_addr);
	if (!sa->any || getifaddrs(&ifs) < 0)
		return 0;
	for (i = ifs; i && sa->n_local < SELFADDR_MAX; i = i->ifa_next) {
		if (!i->ifa_addr)
			continue;
		if (i->ifa_addr->sa_family == AF_INET)
			memcpy(&sa->local[sa->n_local++], i->ifa_addr, sizeof(struct sockaddr_in));
		else if (i->ifa_addr->sa_family == AF_INET6)
			memcpy(&sa->local[sa->n_local++], i->ifa_addr, sizeof(struct sockaddr_in6));
	}
	freeifaddrs(ifs);
	return 0;
}

bool
selfaddr_is_self(const struct selfaddr *sa, const struct sockaddr *addr)
{
	if (sa->port <= 0 || port_of(addr) != sa->port)
		return false;
	if (is_loopback(addr) || same_host(addr, (const struct sockaddr *)&sa->bound))
		return true;
	for (unsigned k = 0; k < sa->n_local; k++)
		if (same_host(addr, (const struct sockaddr *)&sa->local[k]))
			return true;
	return false;
}
