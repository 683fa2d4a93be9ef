/* The HRT's unistd.h: sleeping (a polling sleep that lets the CPU's other threads run). */
#ifndef LHRT_HRT_UNISTD_H
#define LHRT_HRT_UNISTD_H
int usleep(unsigned usec);
unsigned sleep(unsigned sec);
#endif
