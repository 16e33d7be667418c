/*
 * airlock-bridge: the sandbox's one way out. Relays TCP connections made to
 * 127.0.0.1:PORT inside the sandbox to the governance proxy's Unix socket, and
 * runs the sandboxed command.
 *
 * Usage: airlock-bridge PORT SOCKET_PATH COMMAND [ARGS...]
 *   PORT         TCP port (1-65535) to listen on, on 127.0.0.1 only
 *   SOCKET_PATH  the proxy's Unix socket (bind-mounted into the sandbox)
 *   COMMAND      run with fds 0, 1, 2 untouched and no other fd of the bridge
 * Exit status: the command's, or 128 + signal number; 64 bad usage; 70 cannot
 * listen (the command is then not started).
 *
 * Why: the sandbox has no network (Docker network mode none, or a new network
 * namespace under bwrap), so loopback TCP stays inside it, and the bind-mounted
 * socket file is the only door. Listening before the command starts lets it
 * connect at once, without polling. The bridge has no purpose of its own: it
 * forwards the signals it gets (it is what Docker or bwrap starts) and ends as
 * soon as the command does, even with connections open.
 *
 * How: one thread, level-triggered epoll. Each direction ("flow") of a
 * connection has at most 64 KiB in flight, and the bridge stops reading a side
 * while those bytes are not yet written (backpressure). Client to proxy, bytes
 * move with splice() through a pipe: TCP hands over its pages to the Unix
 * socket, nothing is copied to user space. Proxy to client, recv() and send()
 * through a buffer: that measured faster than splice() there (1 GiB on 2 vCPUs,
 * medians: 1.46 vs 1.17 GB/s; the other way splice() won, 1.03 vs 0.89). A
 * pipe or buffer is held only while bytes are pending, so an idle connection
 * costs two fds and no buffer, and 1024+ connections fit in the fd limit.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "send-buffer.h"

#define FLOW_BUFFER_BYTES 65536 /* per direction; the default pipe capacity */
#define READS_PER_WAKEUP 16     /* fairness: at most 1 MiB per flow before others run */
#define POOL_MAX 64             /* empty pipes, and buffers, kept for reuse */
#define TICK_MS 5               /* retry period while something waits (see tick) */
#define CONNECT_GIVE_UP_MS 5000 /* proxy's accept backlog stayed full this long */
#define ACCEPTS_PER_WAKEUP 64
#define MAX_EVENTS 256

enum { SIDE_TCP = 0, SIDE_PROXY = 1 };
/* epoll tags; a connection's tag is its (8-aligned) address with the side in bit 0. */
enum { TAG_LISTENER = 2, TAG_SIGNALS = 4 };

static const int FORWARDED[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};

struct flow {      /* bytes read from fd[i] and written to fd[1 - i] of its conn */
  bool copy;       /* through buf, else through pipe */
  int pipe[2];     /* -1 unless bytes are pending */
  char *buf;       /* NULL unless bytes are pending */
  size_t off, pending; /* not yet written: pending bytes, at buf + off if copying */
  bool eof, done;  /* done: EOF seen, everything written, sink shut for writing */
};

struct conn {
  int fd[2];           /* [SIDE_TCP] the client, [SIDE_PROXY] the Unix socket */
  uint32_t watched[2]; /* events registered with epoll; 0: not registered */
  struct flow flow[2]; /* flow[i] reads fd[i] */
  bool dead;           /* closed; freed once the current batch of events is done */
  long long give_up_at_ms;
  struct conn *next;   /* in the waiting list or the graveyard */
};

struct bridge {
  int epoll, listener, signals;
  bool listening;
  long long listen_again_at_ms;
  struct sockaddr_un proxy;
  pid_t child;
  int pipes[POOL_MAX][2], pooled_pipes;
  char *bufs[POOL_MAX];
  int pooled_bufs;
  struct conn *waiting;   /* Unix connect not done yet: proxy backlog was full */
  struct conn *graveyard;
};

/* What the command must get back as it was: the bridge changes these for itself. */
struct inherited {
  sigset_t mask;
  struct sigaction pipe, chld;
  struct rlimit nofile;
};

static long long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static bool take_storage(struct bridge *b, struct flow *f) {
  if (f->copy) {
    if (f->buf == NULL) f->buf = b->pooled_bufs > 0 ? b->bufs[--b->pooled_bufs] : malloc(FLOW_BUFFER_BYTES);
    return f->buf != NULL;
  }
  if (f->pipe[0] >= 0) return true;
  if (b->pooled_pipes > 0) {
    b->pooled_pipes--;
    f->pipe[0] = b->pipes[b->pooled_pipes][0];
    f->pipe[1] = b->pipes[b->pooled_pipes][1];
    return true;
  }
  int fds[2];
  if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) < 0) return false;
  f->pipe[0] = fds[0];
  f->pipe[1] = fds[1];
  return true;
}

/* Empty storage goes back to the pool; a pipe still holding bytes is closed. */
static void release_storage(struct bridge *b, struct flow *f) {
  bool reuse = f->pending == 0;
  if (f->buf != NULL) {
    if (reuse && b->pooled_bufs < POOL_MAX) b->bufs[b->pooled_bufs++] = f->buf;
    else free(f->buf);
    f->buf = NULL;
  }
  if (f->pipe[0] < 0) return;
  if (reuse && b->pooled_pipes < POOL_MAX) {
    b->pipes[b->pooled_pipes][0] = f->pipe[0];
    b->pipes[b->pooled_pipes][1] = f->pipe[1];
    b->pooled_pipes++;
  } else {
    close(f->pipe[0]);
    close(f->pipe[1]);
  }
  f->pipe[0] = f->pipe[1] = -1;
}

/* Reads up to 64 KiB from `from` into the (empty) storage: a count, 0 at EOF, -1 and errno. */
static ssize_t fill(struct flow *f, int from) {
  if (!f->copy) return splice(from, NULL, f->pipe[1], NULL, FLOW_BUFFER_BYTES, SPLICE_F_NONBLOCK);
  f->off = 0;
  return recv(from, f->buf, FLOW_BUFFER_BYTES, 0);
}

/* Writes pending bytes to `to`: a count, or -1 and errno. */
static ssize_t flush(struct flow *f, int to) {
  if (!f->copy) return splice(f->pipe[0], NULL, to, NULL, f->pending, SPLICE_F_NONBLOCK);
  ssize_t n = send(to, f->buf + f->off, f->pending, MSG_NOSIGNAL);
  if (n > 0) f->off += (size_t)n;
  return n;
}

/* Moves one flow's bytes until a side would block; false if the connection failed. */
static bool pump(struct bridge *b, struct conn *c, int i) {
  struct flow *f = &c->flow[i];
  int from = c->fd[i], to = c->fd[1 - i];
  for (int reads = 0; !f->done;) {
    if (f->pending > 0) {
      ssize_t n = flush(f, to);
      if (n <= 0) return n < 0 && errno == EAGAIN;
      f->pending -= (size_t)n;
      continue;
    }
    release_storage(b, f);
    if (f->eof) {
      /* Half-close: the sink sees EOF too, and the other flow keeps going. */
      shutdown(to, SHUT_WR);
      f->done = true;
      break;
    }
    if (reads++ == READS_PER_WAKEUP) break; /* level-triggered: epoll reports it again */
    if (!take_storage(b, f)) return false;
    ssize_t n = fill(f, from);
    if (n > 0) f->pending = (size_t)n;
    else if (n == 0) f->eof = true;
    else if (errno == EAGAIN) break;
    else return false;
  }
  release_storage(b, f);
  return true;
}

static bool watch(struct bridge *b, struct conn *c, int side, uint32_t want) {
  if (c->watched[side] == want) return true;
  struct epoll_event ev = {.events = want, .data.u64 = (uintptr_t)c | (unsigned)side};
  int op = want == 0 ? EPOLL_CTL_DEL : c->watched[side] == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
  c->watched[side] = want;
  return epoll_ctl(b->epoll, op, c->fd[side], &ev) == 0;
}

/*
 * Watches exactly what the flows wait for. A socket wanted for nothing is not
 * registered at all: epoll would otherwise report its HUP over and over while
 * the other side drains.
 */
static bool rewatch(struct bridge *b, struct conn *c) {
  bool ok = true;
  for (int s = 0; s < 2; s++) {
    const struct flow *in = &c->flow[s], *out = &c->flow[1 - s];
    uint32_t want = (!in->eof && in->pending == 0 ? EPOLLIN : 0) | (out->pending > 0 ? EPOLLOUT : 0);
    ok = watch(b, c, s, want) && ok;
  }
  return ok;
}

/* reset: end the client's connection with RST, so a failure never looks like a clean end. */
static void close_conn(struct bridge *b, struct conn *c, bool reset) {
  if (reset) {
    struct linger now = {1, 0};
    setsockopt(c->fd[SIDE_TCP], SOL_SOCKET, SO_LINGER, &now, sizeof now);
  }
  for (int s = 0; s < 2; s++) {
    if (c->fd[s] >= 0) close(c->fd[s]);
    release_storage(b, &c->flow[s]);
  }
  c->dead = true;
  c->next = b->graveyard;
  b->graveyard = c;
  b->listen_again_at_ms = 0; /* an fd is free again */
}

static void on_conn_event(struct bridge *b, struct conn *c, int side, uint32_t events) {
  if (c->dead) return;
  /* HUP and ERR: let the read or write that comes next report what happened. */
  bool hup = events & (EPOLLHUP | EPOLLERR);
  bool ok = true;
  if (events & EPOLLIN || hup) ok = pump(b, c, side);
  if (ok && (events & EPOLLOUT || hup)) ok = pump(b, c, 1 - side);
  if (!ok) return close_conn(b, c, true);
  if (c->flow[0].done && c->flow[1].done) return close_conn(b, c, false);
  if (!rewatch(b, c)) close_conn(b, c, true);
}

/* 1 connected, 0 proxy's backlog full (AF_UNIX says EAGAIN, not EINPROGRESS), -1 failed. */
static int connect_proxy(struct bridge *b, struct conn *c) {
  if (connect(c->fd[SIDE_PROXY], (const struct sockaddr *)&b->proxy, sizeof b->proxy) == 0) return 1;
  return errno == EAGAIN ? 0 : -1;
}

static void open_conn(struct bridge *b, int client) {
  struct conn *c = calloc(1, sizeof *c);
  if (c == NULL) { close(client); return; }
  c->fd[SIDE_TCP] = client;
  c->fd[SIDE_PROXY] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c->fd[SIDE_PROXY] >= 0) widen_send_buffer(c->fd[SIDE_PROXY]);
  for (int s = 0; s < 2; s++) c->flow[s].pipe[0] = c->flow[s].pipe[1] = -1;
  c->flow[SIDE_PROXY].copy = true;
  int r = c->fd[SIDE_PROXY] < 0 ? -1 : connect_proxy(b, c);
  if (r == 0) {
    c->give_up_at_ms = now_ms() + CONNECT_GIVE_UP_MS;
    c->next = b->waiting;
    b->waiting = c;
  } else if (r < 0 || !rewatch(b, c)) {
    close_conn(b, c, true);
  }
}

static void set_listening(struct bridge *b, bool on) {
  if (b->listening == on) return;
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = TAG_LISTENER};
  epoll_ctl(b->epoll, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, b->listener, &ev);
  b->listening = on;
}

static void accept_clients(struct bridge *b) {
  for (int i = 0; i < ACCEPTS_PER_WAKEUP; i++) {
    int fd = accept4(b->listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EAGAIN) return;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        /* Out of fds: leave clients in the backlog until one closes, instead of spinning. */
        set_listening(b, false);
        b->listen_again_at_ms = now_ms() + 100;
        return;
      }
      continue; /* ECONNABORTED and the like concern that one client only */
    }
    int one = 1; /* interactive streams and SSE: no Nagle delay on the relayed bytes */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    open_conn(b, fd);
  }
}

static void tick(struct bridge *b) {
  long long now = now_ms();
  for (struct conn **p = &b->waiting; *p != NULL;) {
    struct conn *c = *p;
    int r = connect_proxy(b, c);
    if (r == 0 && now < c->give_up_at_ms) { p = &c->next; continue; }
    *p = c->next;
    if (r <= 0 || !rewatch(b, c)) close_conn(b, c, true);
  }
  if (!b->listening && now >= b->listen_again_at_ms) set_listening(b, true);
  while (b->graveyard != NULL) {
    struct conn *c = b->graveyard;
    b->graveyard = c->next;
    free(c);
  }
}

/*
 * Docker Engine API 1.41 cannot size a container's terminal when it creates it: airlock
 * sizes it just after the start. Wait briefly (at most 0.5 s) for that size, so the
 * command never reads 0x0 (and a full-screen agent does not draw for a zero-size screen).
 */
static void wait_for_terminal_size(void) {
  if (!isatty(STDIN_FILENO)) return;
  for (int i = 0; i < 50; i++) {
    struct winsize ws;
    if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_row != 0) return;
    struct timespec pause = {0, 10 * 1000 * 1000};
    nanosleep(&pause, NULL);
  }
}

static pid_t start_command(char **argv, const struct inherited *saved) {
  wait_for_terminal_size();
  pid_t pid = fork();
  if (pid != 0) return pid;
  /* Dispositions first, so a signal pending in the mask meets the command's own. */
  sigaction(SIGPIPE, &saved->pipe, NULL);
  sigaction(SIGCHLD, &saved->chld, NULL);
  setrlimit(RLIMIT_NOFILE, &saved->nofile);
  sigprocmask(SIG_SETMASK, &saved->mask, NULL);
  execvp(argv[0], argv);
  int err = errno;
  fprintf(stderr, "airlock-bridge: cannot run %s: %s\n", argv[0], strerror(err));
  _exit(err == ENOENT ? 127 : 126);
}

/*
 * A terminal's Ctrl-C, Ctrl-Backslash or resize: the kernel sent it to the whole
 * foreground process group. If the command is still in ours it has its own
 * copy, and a forwarded second one would read as a double Ctrl-C.
 */
static bool from_terminal(const struct signalfd_siginfo *si) {
  bool group_wide = si->ssi_signo == SIGINT || si->ssi_signo == SIGQUIT || si->ssi_signo == SIGWINCH;
  return group_wide && si->ssi_code == SI_KERNEL;
}

/* Returns true once the command has exited, its wait status in *status. */
static bool handle_signals(struct bridge *b, int *status) {
  struct signalfd_siginfo si;
  while (read(b->signals, &si, sizeof si) == (ssize_t)sizeof si) {
    if (si.ssi_signo != SIGCHLD) {
      if (from_terminal(&si) && getpgid(b->child) == getpgrp()) continue;
      kill(b->child, (int)si.ssi_signo);
      continue;
    }
    int st;
    pid_t pid;
    /* Reap every child: as PID 1 of a container the bridge inherits orphans. */
    while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
      if (pid == b->child) { *status = st; return true; }
    }
  }
  return false;
}

static int run(struct bridge *b) {
  struct epoll_event events[MAX_EVENTS];
  for (;;) {
    int timeout = b->waiting != NULL || !b->listening ? TICK_MS : -1;
    int n = epoll_wait(b->epoll, events, MAX_EVENTS, timeout);
    if (n < 0 && errno != EINTR) { perror("airlock-bridge: epoll_wait"); return 70; }
    for (int i = 0; i < n; i++) {
      uint64_t tag = events[i].data.u64;
      int status;
      if (tag == TAG_SIGNALS) {
        if (handle_signals(b, &status)) return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
      } else if (tag == TAG_LISTENER) {
        accept_clients(b);
      } else {
        on_conn_event(b, (struct conn *)(uintptr_t)(tag & ~(uint64_t)1), (int)(tag & 1), events[i].events);
      }
    }
    tick(b);
  }
}

static int open_listener(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
      bind(fd, (const struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, SOMAXCONN) < 0) {
    int err = errno;
    close(fd);
    errno = err;
    return -1;
  }
  return fd;
}

/* Signals arrive on a signalfd, blocked meanwhile; SIGPIPE is ignored (a peer gone is an EPIPE). */
static int take_signals(struct inherited *saved) {
  struct sigaction ign = {.sa_handler = SIG_IGN}, dfl = {.sa_handler = SIG_DFL};
  sigaction(SIGPIPE, &ign, &saved->pipe);
  sigaction(SIGCHLD, &dfl, &saved->chld); /* inherited SIG_IGN would hide the exit status */
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  for (size_t i = 0; i < sizeof FORWARDED / sizeof FORWARDED[0]; i++) sigaddset(&set, FORWARDED[i]);
  sigprocmask(SIG_BLOCK, &set, &saved->mask);
  return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

static int parse_port(const char *s) {
  char *end;
  long port = strtol(s, &end, 10);
  return *s != '\0' && *end == '\0' && port >= 1 && port <= 65535 ? (int)port : -1;
}

int main(int argc, char **argv) {
  int port = argc >= 4 ? parse_port(argv[1]) : -1;
  if (port < 0) { fprintf(stderr, "usage: airlock-bridge PORT SOCKET_PATH COMMAND [ARGS...]\n"); return 64; }
  struct bridge b = {0};
  if (strlen(argv[2]) >= sizeof b.proxy.sun_path) {
    fprintf(stderr, "airlock-bridge: socket path too long (at most %zu bytes): %s\n", sizeof b.proxy.sun_path - 1, argv[2]);
    return 64;
  }
  b.proxy.sun_family = AF_UNIX;
  strcpy(b.proxy.sun_path, argv[2]);

  struct inherited saved;
  getrlimit(RLIMIT_NOFILE, &saved.nofile);
  struct rlimit raised = {saved.nofile.rlim_max, saved.nofile.rlim_max};
  setrlimit(RLIMIT_NOFILE, &raised); /* two fds per connection, more while bytes are pending */
  b.signals = take_signals(&saved);
  b.epoll = epoll_create1(EPOLL_CLOEXEC);
  if (b.signals < 0 || b.epoll < 0) { perror("airlock-bridge: setup"); return 70; }
  b.listener = open_listener(port);
  if (b.listener < 0) {
    fprintf(stderr, "airlock-bridge: cannot listen on 127.0.0.1:%d: %s\n", port, strerror(errno));
    return 70;
  }
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = TAG_SIGNALS};
  epoll_ctl(b.epoll, EPOLL_CTL_ADD, b.signals, &ev);
  set_listening(&b, true);
  b.child = start_command(argv + 3, &saved);
  if (b.child < 0) { perror("airlock-bridge: fork"); return 70; }
  return run(&b);
}
