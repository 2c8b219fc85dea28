// glibc's malloc statistics (mallinfo2), for the process-wide memory budget.
#include <malloc.h>
