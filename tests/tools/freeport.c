/* freeport [N]: prints N (default 1) distinct free TCP ports on 127.0.0.1,
 * one a line. Each port comes from binding port 0; all the sockets stay
 * open until every port is printed, so the N ports differ. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_PORTS 64

int main(int argc, char **argv)
{
    long n = 1;
    int fds[MAX_PORTS];
    unsigned ports[MAX_PORTS];
    int status = 0;
    long i, opened = 0;

    if (argc > 2) {
        fprintf(stderr, "usage: freeport [N]\n");
        return 2;
    }
    if (argc == 2) {
        char *end;
        errno = 0;
        n = strtol(argv[1], &end, 10);
        if (errno || *end || end == argv[1] || n < 1 || n > MAX_PORTS) {
            fprintf(stderr, "freeport: N must be 1..%d\n", MAX_PORTS);
            return 2;
        }
    }

    for (i = 0; i < n; i++) {
        struct sockaddr_in sa;
        socklen_t len = sizeof sa;
        int fd = socket(AF_INET, SOCK_STREAM, 0);

        if (fd < 0) {
            perror("freeport: socket");
            status = 1;
            break;
        }
        fds[opened++] = fd;
        memset(&sa, 0, sizeof sa);
        sa.sin_family = AF_INET;
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        sa.sin_port = 0;
        if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
            perror("freeport: bind");
            status = 1;
            break;
        }
        if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
            perror("freeport: getsockname");
            status = 1;
            break;
        }
        ports[i] = ntohs(sa.sin_port);
    }

    if (status == 0) {
        for (i = 0; i < n; i++)
            printf("%u\n", ports[i]);
        if (fflush(stdout) != 0) {
            perror("freeport: stdout");
            status = 1;
        }
    }
    for (i = 0; i < opened; i++)
        close(fds[i]);
    return status;
}
