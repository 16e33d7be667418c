/*
 * airlock-sockets.node: the one socket option the governance proxy needs and Node
 * cannot set, as a Node-API addon (ABI-stable across Node versions).
 *
 * widenSendBuffer(fd) -> number
 *   Raises a Unix stream socket's send buffer (see send-buffer.h for why) and returns
 *   the send buffer the socket now has, in bytes; other sockets are left alone and
 *   their send buffer returned. -1 when the fd is not a socket.
 */
#include <node_api.h>
#include <sys/socket.h>

#include "send-buffer.h"

static napi_value widen(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], result;
  int32_t fd = -1;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 1 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0) {
    napi_throw_type_error(env, NULL, "widenSendBuffer(fd): fd must be a non-negative integer");
    return NULL;
  }
  widen_send_buffer(fd);
  int bytes = -1;
  socklen_t len = sizeof bytes;
  if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, &len) != 0) bytes = -1;
  napi_create_int32(env, bytes, &result);
  return result;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  if (napi_create_function(env, "widenSendBuffer", NAPI_AUTO_LENGTH, widen, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "widenSendBuffer", fn) != napi_ok) return NULL;
  return exports;
}
