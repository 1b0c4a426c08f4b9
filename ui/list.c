/* The panes' scrolling list: selection and top row, no drawing. */
#include "list.h"

void ui_list_fit(struct ui_list *l, size_t n, int rows)
{
    size_t r = rows > 0 ? (size_t)rows : 1;

    if (n == 0) {
        l->sel = l->top = 0;
        return;
    }
    if (l->sel >= n)
        l->sel = n - 1;
    if (l->top > l->sel)
        l->top = l->sel;
    if (l->sel >= l->top + r)
        l->top = l->sel - r + 1;
    if (l->top + r > n)
        l->top = n > r ? n - r : 0;
}

int ui_list_key(struct ui_list *l, int key, size_t n, int rows)
{
    size_t page = rows > 1 ? (size_t)rows - 1 : 1;

    switch (key) {
    case K_UP:
    case 'k':
        if (l->sel > 0)
            l->sel--;
        break;
    case K_DOWN:
    case 'j':
        if (l->sel + 1 < n)
            l->sel++;
        break;
    case K_PGUP:
        l->sel = l->sel > page ? l->sel - page : 0;
        break;
    case K_PGDN:
        l->sel = l->sel + page < n ? l->sel + page : (n ? n - 1 : 0);
        break;
    case K_HOME:
    case 'g':
        l->sel = 0;
        break;
    case K_END:
    case 'G':
        l->sel = n ? n - 1 : 0;
        break;
    default:
        return 0;
    }
    ui_list_fit(l, n, rows);
    return 1;
}
