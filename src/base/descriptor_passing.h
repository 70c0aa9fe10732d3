// One descriptor over a unix socket (SCM_RIGHTS), with one byte beside it.
#ifndef SYD_BASE_DESCRIPTOR_PASSING_H_
#define SYD_BASE_DESCRIPTOR_PASSING_H_

namespace syd {

// Sends a copy of `fd` on `socket`; false with errno on failure.
bool SendDescriptor(int socket, int fd);

// The descriptor the peer sent on `socket`, close-on-exec; -1 with errno
// on failure, -1 with errno 0 when the peer has gone (end of file), and
// -1 with EBADMSG when a message came without one.
int ReceiveDescriptor(int socket);

}  // namespace syd

#endif  // SYD_BASE_DESCRIPTOR_PASSING_H_
