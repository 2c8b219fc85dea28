#include <zmq.h>

// zmq_setsockopt takes a void pointer and a length; a fixed-type wrapper keeps the Swift side plain.
static inline int lrps_zmq_set_int(void *socket, int option, int value) {
    return zmq_setsockopt(socket, option, &value, sizeof value);
}
