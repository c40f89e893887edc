/*
 * relay: the cheapest proxy there can be, as a yardstick for bench/floor.
 *
 *     relay LISTEN_PORT SERVER_PORT
 *
 * One thread, level-triggered epoll, loopback only. Each client gets a connection of its own to the
 * server, and whatever one side sends is written to the other as it was read: no parsing, no routing,
 * no copies beyond the kernel's, no user-space work to speak of. What it costs per request is the
 * kernel's work for the extra hop, the floor under any proxy on the same machine.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_FDS 65536

static int peer_of[MAX_FDS];

static struct sockaddr_in loopback(int port) {
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    return a;
}

static void prepare(int fd) {
    int one = 1;
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* Pipelined replies are small, so a full socket buffer is rare: wait for it rather than queue. */
static int write_all(int fd, const char *b, ssize_t n) {
    while (n > 0) {
        ssize_t w = send(fd, b, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EAGAIN) {
            struct pollfd p = {fd, POLLOUT, 0};
            if (poll(&p, 1, 1000) <= 0) return -1;
            continue;
        }
        if (w < 0) return -1;
        b += w;
        n -= w;
    }
    return 0;
}

static void watch(int ep, int fd) {
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static void accept_client(int ep, int listener, int server_port) {
    int client = accept(listener, NULL, NULL);
    if (client < 0) return;
    int server = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in to = loopback(server_port);
    if (client >= MAX_FDS || server < 0 || server >= MAX_FDS || connect(server, (void *) &to, sizeof to) != 0) {
        close(client);
        if (server >= 0) close(server);
        return;
    }
    prepare(client);
    prepare(server);
    peer_of[client] = server;
    peer_of[server] = client;
    watch(ep, client);
    watch(ep, server);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: relay LISTEN_PORT SERVER_PORT\n");
        return 2;
    }
    int listen_port = atoi(argv[1]), server_port = atoi(argv[2]), one = 1;
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in at = loopback(listen_port);
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(listener, (void *) &at, sizeof at) != 0 || listen(listener, 1024) != 0) {
        perror("relay: listen");
        return 1;
    }
    int ep = epoll_create1(0);
    for (int fd = 0; fd < MAX_FDS; fd++) peer_of[fd] = -1;
    watch(ep, listener);
    static char buf[65536];
    struct epoll_event events[256];
    for (;;) {
        int n = epoll_wait(ep, events, 256, -1);
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == listener) {
                accept_client(ep, listener, server_port);
                continue;
            }
            if (peer_of[fd] < 0) continue;     /* closed earlier in this batch */
            ssize_t r = recv(fd, buf, sizeof buf, 0);
            if (r < 0 && errno == EAGAIN) continue;
            if (r <= 0 || write_all(peer_of[fd], buf, r) != 0) {
                int peer = peer_of[fd];
                close(peer);     /* closing a descriptor also takes it out of the epoll set */
                close(fd);
                peer_of[peer] = peer_of[fd] = -1;
            }
        }
    }
}
