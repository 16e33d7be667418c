/*
 * airlock-pty: runs a command on a fresh pseudo-terminal *inside* the sandbox.
 *
 * Usage: airlock-pty ROWS COLS COMMAND [ARGS...]
 *   fd 0  bytes for the terminal (keystrokes), relayed to the pty master
 *   fd 1  everything the terminal shows, relayed from the pty master
 *   fd 3  optional control pipe: lines "ROWS COLS\n" resize the terminal
 * Exit status: the command's, or 128 + signal number.
 *
 * Why: bwrap runs the sandbox in a new session (--new-session, against TIOCSTI
 * injection into the user's terminal), so the command cannot use the user's
 * terminal. This helper gives it a terminal of its own, from the sandbox's own
 * devpts, as its controlling tty: Ctrl-C and resize (SIGWINCH) then reach the
 * foreground process inside, exactly as under Docker's pty.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static int sigchld_pipe[2];

static void on_sigchld(int sig) {
  (void)sig;
  int saved = errno;
  (void)!write(sigchld_pipe[1], "x", 1);
  errno = saved;
}

static int write_all(int fd, const char *buf, ssize_t n) {
  while (n > 0) {
    ssize_t w = write(fd, buf, (size_t)n);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) { struct pollfd p = {fd, POLLOUT, 0}; poll(&p, 1, -1); continue; }
      return -1;
    }
    buf += w;
    n -= w;
  }
  return 0;
}

static void set_size(int master, int rows, int cols) {
  struct winsize ws = {0};
  ws.ws_row = (unsigned short)rows;
  ws.ws_col = (unsigned short)cols;
  ioctl(master, TIOCSWINSZ, &ws);
}

static void handle_control(int master, char *buf, size_t *len) {
  char *nl;
  while ((nl = memchr(buf, '\n', *len)) != NULL) {
    *nl = '\0';
    int rows = 0, cols = 0;
    if (sscanf(buf, "%d %d", &rows, &cols) == 2 && rows > 0 && cols > 0) set_size(master, rows, cols);
    size_t used = (size_t)(nl - buf) + 1;
    memmove(buf, nl + 1, *len - used);
    *len -= used;
  }
  if (*len >= 255) *len = 0;
}

static pid_t spawn_on_pty(int master, char **argv) {
  const char *slave_name = ptsname(master);
  pid_t pid = fork();
  if (pid != 0) return pid;
  setsid();
  int slave = open(slave_name, O_RDWR);
  if (slave < 0 || ioctl(slave, TIOCSCTTY, 0) < 0) { perror("airlock-pty: slave"); _exit(126); }
  dup2(slave, 0); dup2(slave, 1); dup2(slave, 2);
  if (slave > 2) close(slave);
  close(master);
  signal(SIGCHLD, SIG_DFL);
  execvp(argv[0], argv);
  fprintf(stderr, "airlock-pty: cannot run %s: %s\r\n", argv[0], strerror(errno));
  _exit(errno == ENOENT ? 127 : 126);
}

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: airlock-pty ROWS COLS COMMAND [ARGS...]\n"); return 64; }
  int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0) { perror("airlock-pty: openpt"); return 70; }
  set_size(master, atoi(argv[1]), atoi(argv[2]));
  if (pipe2(sigchld_pipe, O_CLOEXEC | O_NONBLOCK) < 0) return 70;
  signal(SIGCHLD, on_sigchld);
  signal(SIGPIPE, SIG_IGN);
  pid_t child = spawn_on_pty(master, argv + 3);
  if (child < 0) { perror("airlock-pty: fork"); return 70; }

  int control = fcntl(3, F_GETFD) >= 0 ? 3 : -1;
  char ctl[256]; size_t ctl_len = 0;
  char buf[65536];
  int status = 0, exited = 0, stdin_open = 1, master_open = 1;
  while (master_open) {
    struct pollfd fds[4] = {
      {master, POLLIN, 0}, {stdin_open ? 0 : -1, POLLIN, 0}, {control, POLLIN, 0}, {sigchld_pipe[0], POLLIN, 0}};
    /* Once the command has exited, drain what is left on the master then stop. */
    if (poll(fds, 4, exited ? 50 : -1) < 0) { if (errno == EINTR) continue; break; }
    if (exited && !(fds[0].revents & POLLIN)) break;
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = read(master, buf, sizeof buf);
      if (n > 0) { if (write_all(1, buf, n) < 0) break; }
      else if (n == 0 || errno != EINTR) master_open = 0; /* EIO: every slave fd closed */
    }
    if (fds[1].revents & (POLLIN | POLLHUP)) {
      ssize_t n = read(0, buf, sizeof buf);
      if (n > 0) write_all(master, buf, n);
      else if (n == 0) stdin_open = 0;
    }
    if (control >= 0 && (fds[2].revents & (POLLIN | POLLHUP))) {
      ssize_t n = read(control, ctl + ctl_len, sizeof ctl - 1 - ctl_len);
      if (n > 0) { ctl_len += (size_t)n; handle_control(master, ctl, &ctl_len); }
      else control = -1;
    }
    if (fds[3].revents & POLLIN) {
      char drain[64];
      while (read(sigchld_pipe[0], drain, sizeof drain) > 0) {}
      if (!exited && waitpid(child, &status, WNOHANG) == child) exited = 1;
    }
  }
  if (!exited) waitpid(child, &status, 0);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}
