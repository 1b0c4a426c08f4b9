/* What perch reads from the environment, read one way everywhere. */
#ifndef PERCH_ENV_H
#define PERCH_ENV_H

/* 1 when NO_COLOR is set and not empty (https://no-color.org): no colour
 * on a terminal, from the console or a command. */
int env_no_color(void);

#endif
