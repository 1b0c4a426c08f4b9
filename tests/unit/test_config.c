/* config_load and config_path, on files written to a temporary directory;
 * conn_opts_set where the config and the command line differ. */
#include "unit.h"

#include "base/buf.h"
#include "conf/config.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#define PIN_A "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
#define PIN_B "sha256//r/yT0f2BOIAbxTlSEwVN7/ypX1H5QT1U3TQY9FiCOTo="

static char *tmpdir;

static int group_setup(void **state)
{
    (void)state;
    tmpdir = unit_tmpdir_new("config");
    return tmpdir == NULL ? -1 : 0;
}

static int group_teardown(void **state)
{
    (void)state;
    return unit_tmpdir_remove(tmpdir);
}

/* Writes len bytes of content to a new file of the given mode. */
static char *write_config_n(const char *content, size_t len, mode_t mode)
{
    return unit_file_new(tmpdir, "config", "", content, len, mode);
}

static char *write_config(const char *content, mode_t mode)
{
    return write_config_n(content, strlen(content), mode);
}

/* --- values applied --- */

static void config_load__applies_every_key_of_the_named_account(void **state)
{
    char *path = write_config("; perch config\n"
                              "[account other]\n"
                              "jid = bob@other.example\n"
                              "port = 1\n"
                              "\n"
                              "[account work]\n"
                              "jid = alice@example.com/desk\n"
                              "server = xmpp.example.com\n"
                              "port = 5223\n"
                              "bosh = https://example.com/http-bind\n"
                              "rest = https://fin1.example.com:8445\n"
                              "tls = direct\n"
                              "allow-plaintext-auth = yes\n"
                              "ca-file = /etc/ssl/ca.pem\n"
                              "pin = " PIN_A ";" PIN_B "\n"
                              "insecure = false\n"
                              "password-file = /home/alice/.pw\n"
                              "service = pubsub.example.com\n"
                              "resource = perch\n"
                              "force-resource = on\n"
                              "sasl = SCRAM-SHA-1\n"
                              "keep-ended = 90\n"
                              "verbose = 1\n",
                              0644);
    struct conn_opts o;
    char *cause = NULL;
    (void)state;

    conn_opts_init(&o);
    assert_int_equal(config_load(path, "work", 1, &o, &cause), 0);
    assert_null(cause);
    assert_string_equal(o.jid, "alice@example.com/desk");
    assert_string_equal(o.server, "xmpp.example.com");
    assert_int_equal(o.port, 5223);
    assert_string_equal(o.bosh, "https://example.com/http-bind");
    assert_string_equal(o.rest, "https://fin1.example.com:8445");
    assert_int_equal(o.tls, TLS_DIRECT);
    assert_int_equal(o.allow_plaintext_auth, 1);
    assert_string_equal(o.ca_file, "/etc/ssl/ca.pem");
    assert_string_equal(o.pin, PIN_A ";" PIN_B);
    assert_int_equal(o.insecure, 0);
    assert_string_equal(o.password_file, "/home/alice/.pw");
    assert_null(o.password_env);
    assert_null(o.password_cmd);
    assert_null(o.password);
    assert_string_equal(o.service, "pubsub.example.com");
    assert_string_equal(o.resource, "perch");
    assert_int_equal(o.force_resource, 1);
    assert_string_equal(o.sasl, "SCRAM-SHA-1");
    assert_int_equal(o.verbose, 1);
    assert_int_equal(o.keep_ended, 90);
    conn_opts_done(&o);
    unit_file_remove(path);
}

struct tls_row {
    const char *name;
    const char *value;
    enum tls_mode want;
};

static const struct tls_row tls_rows[] = {
    {"config_load__reads_tls_require", "require", TLS_REQUIRE},
    {"config_load__reads_tls_prefer", "prefer", TLS_PREFER},
    {"config_load__reads_tls_direct", "direct", TLS_DIRECT},
    {"config_load__reads_tls_off", "off", TLS_OFF},
};

static void tls_row(void **state)
{
    const struct tls_row *r = *state;
    char *text = str_cat3("[account a]\ntls = ", r->value, "\n");
    char *path = write_config(text, 0600), *cause = NULL;
    struct conn_opts o;

    conn_opts_init(&o);
    o.tls = r->want == TLS_REQUIRE ? TLS_OFF : TLS_REQUIRE; /* must change */
    assert_int_equal(config_load(path, "a", 1, &o, &cause), 0);
    assert_int_equal(o.tls, r->want);
    conn_opts_done(&o);
    unit_file_remove(path);
    free(text);
}

struct bool_row {
    const char *name;
    const char *value;
    int want;
};

static const struct bool_row bool_rows[] = {
    {"config_load__reads_true_as_true", "true", 1},
    {"config_load__reads_yes_as_true", "yes", 1},
    {"config_load__reads_on_as_true", "on", 1},
    {"config_load__reads_1_as_true", "1", 1},
    {"config_load__reads_TRUE_as_true", "TRUE", 1},
    {"config_load__reads_false_as_false", "false", 0},
    {"config_load__reads_no_as_false", "no", 0},
    {"config_load__reads_off_as_false", "Off", 0},
    {"config_load__reads_0_as_false", "0", 0},
};

static void bool_row(void **state)
{
    const struct bool_row *r = *state;
    char *text = str_cat3("[account a]\ninsecure = ", r->value, "\n");
    char *path = write_config(text, 0600), *cause = NULL;
    struct conn_opts o;

    conn_opts_init(&o);
    o.insecure = !r->want;
    assert_int_equal(config_load(path, "a", 1, &o, &cause), 0);
    assert_int_equal(o.insecure, r->want);
    conn_opts_done(&o);
    unit_file_remove(path);
    free(text);
}

static void config_load__applies_the_default_account(void **state)
{
    char *path = write_config("[account default]\n"
                              "jid = me@example.org\n"
                              "password-env = PERCH_PW\n",
                              0600);
    struct conn_opts o;
    char *cause = NULL;
    (void)state;

    conn_opts_init(&o);
    assert_int_equal(config_load(path, "default", 0, &o, &cause), 0);
    assert_string_equal(o.jid, "me@example.org");
    assert_string_equal(o.password_env, "PERCH_PW");
    conn_opts_done(&o);
    unit_file_remove(path);
}

static void
config_load__checks_but_applies_nothing_without_an_account(void **state)
{
    char *path = write_config("[account a]\njid = a@example.org\n", 0600);
    struct conn_opts o;
    char *cause = NULL;
    (void)state;

    conn_opts_init(&o);
    assert_int_equal(config_load(path, NULL, 0, &o, &cause), 0);
    assert_null(o.jid);
    conn_opts_done(&o);
    unit_file_remove(path);
}

static void config_load__accepts_a_missing_optional_account(void **state)
{
    char *path = write_config("[account a]\njid = a@example.org\n", 0600);
    struct conn_opts o;
    char *cause = NULL;
    (void)state;

    conn_opts_init(&o);
    assert_int_equal(config_load(path, "default", 0, &o, &cause), 0);
    assert_null(cause);
    assert_null(o.jid);
    conn_opts_done(&o);
    unit_file_remove(path);
}

static void
config_load__reads_comments_bom_crlf_and_inline_comments(void **state)
{
    char *path = write_config("\xef\xbb\xbf# comment\r\n"
                              "; another\r\n"
                              "\r\n"
                              "[account a]\r\n"
                              "  jid   =   a@example.org  \r\n"
                              "port = 5222 ; the default\r\n"
                              "server: colon.example.org\r\n",
                              0600);
    struct conn_opts o;
    char *cause = NULL;
    (void)state;

    conn_opts_init(&o);
    assert_int_equal(config_load(path, "a", 1, &o, &cause), 0);
    assert_string_equal(o.jid, "a@example.org");
    assert_int_equal(o.port, 5222);
    assert_string_equal(o.server, "colon.example.org");
    conn_opts_done(&o);
    unit_file_remove(path);
}

static void config_load__accepts_a_199_byte_line(void **state)
{
    /* "server = " (9) + 190 = 199 bytes before the newline */
    char *host = str_repeat('h', 190);
    char *text = str_cat3("[account a]\nserver = ", host, "\n");
    char *path = write_config(text, 0600), *cause = NULL;
    struct conn_opts o;
    (void)state;

    conn_opts_init(&o);
    assert_int_equal(config_load(path, "a", 1, &o, &cause), 0);
    assert_string_equal(o.server, host);
    conn_opts_done(&o);
    unit_file_remove(path);
    free(text);
    free(host);
}

/* --- errors: "FILE:LINE: what" --- */

struct error {
    const char *name;
    const char *text;
    const char *account;
    int required;
    const char *cause; /* {F} is the path */
};

static const struct error error_rows[] = {
    {"config_load__names_file_line_and_key_of_an_unknown_key",
     "[account work]\njid = a@example.org\ncolour = blue\n", "work", 1,
     "{F}:3: unknown key 'colour' in [account work]"},
    {"config_load__reports_unknown_keys_in_other_sections_too",
     "[account a]\njid = a@example.org\n\n[account b]\n\nbogus = 1\n", "a", 1,
     "{F}:6: unknown key 'bogus' in [account b]"},
    {"config_load__rejects_a_port_out_of_range", "[account a]\nport = 70000\n",
     "a", 1, "{F}:2: key 'port': port: '70000' is not a port number (1-65535)"},
    {"config_load__rejects_port_zero", "[account a]\nport = 0\n", "a", 1,
     "{F}:2: key 'port': port: '0' is not a port number (1-65535)"},
    {"config_load__rejects_a_port_that_is_not_a_number",
     "[account a]\nport = 52x\n", "a", 1,
     "{F}:2: key 'port': port: '52x' is not a port number (1-65535)"},
    {"config_load__rejects_a_negative_port", "[account a]\nport = -1\n", "a", 1,
     "{F}:2: key 'port': port: '-1' is not a port number (1-65535)"},
    {"config_load__rejects_an_empty_port", "[account a]\nport =\n", "a", 1,
     "{F}:2: key 'port': port: '' is not a port number (1-65535)"},
    {"config_load__rejects_a_huge_port",
     "[account a]\nport = 99999999999999999999999\n", "a", 1,
     "{F}:2: key 'port': port: '99999999999999999999999' is not a port "
     "number (1-65535)"},
    {"config_load__rejects_an_unknown_tls_mode", "[account a]\ntls = maybe\n",
     "a", 1,
     "{F}:2: key 'tls': tls: 'maybe' is not one of require, prefer, direct, "
     "off"},
    {"config_load__rejects_tls_in_the_wrong_case", "[account a]\ntls = OFF\n",
     "a", 1,
     "{F}:2: key 'tls': tls: 'OFF' is not one of require, prefer, direct, "
     "off"},
    {"config_load__rejects_a_short_pin", "[account a]\npin = sha256//abc\n",
     "a", 1,
     "{F}:2: key 'pin': pin: 'sha256//abc' is not sha256//BASE64 (44 "
     "characters of base64; several joined by ';')"},
    {"config_load__rejects_a_pin_list_with_an_empty_entry",
     "[account a]\npin = " PIN_A ";\n", "a", 1,
     "{F}:2: key 'pin': pin: '" PIN_A ";' is not sha256//BASE64 (44 "
     "characters of base64; several joined by ';')"},
    {"config_load__rejects_keep_ended_beyond_a_day",
     "[account a]\nkeep-ended = 86401\n", "a", 1,
     "{F}:2: key 'keep-ended': keep-ended: '86401' is not a number of "
     "seconds (0-86400)"},
    {"config_load__rejects_a_negative_keep_ended",
     "[account a]\nkeep-ended = -1\n", "a", 1,
     "{F}:2: key 'keep-ended': keep-ended: '-1' is not a number of seconds "
     "(0-86400)"},
    {"config_load__rejects_a_bad_boolean", "[account a]\ninsecure = perhaps\n",
     "a", 1, "{F}:2: key 'insecure': insecure: 'perhaps' is not true or false"},
    {"config_load__rejects_a_bad_jid", "[account a]\njid = @example.org\n", "a",
     1, "{F}:2: key 'jid': JID '@example.org' has an empty local part"},
    {"config_load__rejects_a_jid_with_a_control_character",
     "[account a]\njid = a\x1b[2J@example.org\n", "a", 1,
     "{F}:2: key 'jid': JID 'a<U+001B>[2J@example.org': U+001B is not "
     "allowed (a control, bidi or invisible character)"},
    {"config_load__rejects_a_bad_service_jid", "[account a]\nservice = a@b@c\n",
     "a", 1, "{F}:2: key 'service': JID 'a@b@c' has an invalid domain"},
    {"config_load__rejects_a_bosh_url_that_is_not_http",
     "[account a]\nbosh = ftp://example.org/\n", "a", 1,
     "{F}:2: key 'bosh': bosh: 'ftp://example.org/' is not an http:// or "
     "https:// URL"},
    {"config_load__rejects_a_ws_url_that_is_not_ws",
     "[account a]\nws = https://example.org/ws\n", "a", 1,
     "{F}:2: key 'ws': 'https://example.org/ws' is not a ws:// or wss:// "
     "URL"},
    {"config_load__rejects_a_ws_ping_of_0", "[account a]\nws-ping = 0\n", "a",
     1,
     "{F}:2: key 'ws-ping': ws-ping: '0' is not a number of seconds "
     "(1-3600)"},
    {"config_load__rejects_a_bosh_timeout_of_0",
     "[account a]\nbosh-timeout = 0\n", "a", 1,
     "{F}:2: key 'bosh-timeout': bosh-timeout: '0' is not a number of "
     "seconds (1-3600)"},
    {"config_load__rejects_a_rest_url_that_is_not_http",
     "[account a]\nrest = fin1.example.com:8445\n", "a", 1,
     "{F}:2: key 'rest': rest: 'fin1.example.com:8445' is not an http:// or "
     "https:// URL"},
    {"config_load__rejects_an_empty_resource", "[account a]\nresource =\n", "a",
     1, "{F}:2: key 'resource': resource: empty resource"},
    {"config_load__rejects_a_key_outside_a_section",
     "# top\njid = a@example.org\n[account a]\n", "a", 1,
     "{F}:2: key 'jid' outside an [account NAME] section"},
    {"config_load__rejects_an_unknown_section",
     "[account a]\njid = a@example.org\n[server x]\nhost = y\n", "a", 1,
     "{F}:4: unknown section [server x] (expected [account NAME])"},
    {"config_load__rejects_an_account_section_without_a_name",
     "[account]\njid = a@example.org\n", "a", 1,
     "{F}:2: unknown section [account] (expected [account NAME])"},
    {"config_load__rejects_a_line_that_is_not_key_value",
     "[account a]\njid a@example.org\n", "a", 1,
     "{F}:2: not a 'key = value' or [section] line"},
    {"config_load__rejects_an_unclosed_section_header",
     "[account a\njid = a@example.org\n", "a", 1,
     "{F}:1: not a 'key = value' or [section] line"},
    {"config_load__reports_only_the_first_error",
     "[account a]\nport = 0\ntls = maybe\nbogus = 1\n", "a", 1,
     "{F}:2: key 'port': port: '0' is not a port number (1-65535)"},
    {"config_load__reports_a_bad_line_before_a_later_bad_key",
     "[account a]\nnot a key value line\nbogus = 1\n", "a", 1,
     "{F}:2: not a 'key = value' or [section] line"},
    {"config_load__reports_a_bad_key_before_a_later_bad_line",
     "[account a]\nbogus = 1\nnot a key value line\n", "a", 1,
     "{F}:2: unknown key 'bogus' in [account a]"},
    {"config_load__rejects_a_missing_required_account",
     "[account a]\njid = a@example.org\n", "work", 1,
     "{F}: no [account work] section"},
    {"config_load__rejects_an_empty_file_when_an_account_is_required", "",
     "work", 1, "{F}: no [account work] section"},
    {"config_load__refuses_a_readable_file_with_a_password",
     "[account a]\njid = a@example.org\npassword = hunter2\n", "a", 1,
     "{F} holds a password but others may read it (mode 644): run chmod 600 "
     "{F}"},
    {"config_load__refuses_a_password_in_any_section_of_a_readable_file",
     "[account a]\njid = a@example.org\n[account b]\npassword = hunter2\n", "a",
     1,
     "{F} holds a password but others may read it (mode 644): run chmod 600 "
     "{F}"},
};

static void error(void **state)
{
    const struct error *r = *state;
    char *path = write_config(r->text, 0644), *cause = NULL, *want;
    struct conn_opts o;

    conn_opts_init(&o);
    assert_int_equal(config_load(path, r->account, r->required, &o, &cause),
                     -1);
    want = unit_with_path(r->cause, path);
    assert_string_equal(cause, want);
    free(want);
    free(cause);
    conn_opts_done(&o);
    unit_file_remove(path);
}

static void
config_load__refuses_a_group_readable_file_with_a_password(void **state)
{
    char *path = write_config("[account a]\npassword = hunter2\n", 0640);
    char *cause = NULL, *want;
    struct conn_opts o;
    (void)state;

    conn_opts_init(&o);
    assert_int_equal(config_load(path, "a", 1, &o, &cause), -1);
    want = unit_with_path("{F} holds a password but others may read it (mode "
                          "640): run chmod 600 {F}",
                          path);
    assert_string_equal(cause, want);
    free(want);
    free(cause);
    conn_opts_done(&o);
    unit_file_remove(path);
}

static void config_load__accepts_a_password_in_a_0600_file(void **state)
{
    char *path = write_config("[account a]\njid = a@example.org\n"
                              "password-cmd = pass show xmpp\n"
                              "password = hunter2\n",
                              0600);
    char *cause = NULL;
    struct conn_opts o;
    (void)state;

    conn_opts_init(&o);
    assert_int_equal(config_load(path, "a", 1, &o, &cause), 0);
    assert_string_equal(o.password, "hunter2");
    assert_null(o.password_cmd); /* the last password source wins */
    conn_opts_done(&o);
    unit_file_remove(path);
}

static void
config_load__accepts_a_readable_file_without_a_password(void **state)
{
    char *path = write_config("[account a]\npassword-env = PW\n", 0644);
    char *cause = NULL;
    struct conn_opts o;
    (void)state;

    conn_opts_init(&o);
    assert_int_equal(config_load(path, "a", 1, &o, &cause), 0);
    assert_string_equal(o.password_env, "PW");
    conn_opts_done(&o);
    unit_file_remove(path);
}

/* --- long lines: inih would split them into several lines --- */

static void config_load__rejects_a_line_longer_than_199_bytes(void **state)
{
    char *host = str_repeat('h', 300);
    char *text = str_cat3("[account a]\nserver = ", host, "\njid = a@b\n");
    char *path = write_config(text, 0600), *cause = NULL, *want;
    struct conn_opts o;
    (void)state;

    conn_opts_init(&o);
    assert_int_equal(config_load(path, "a", 1, &o, &cause), -1);
    want = unit_with_path("{F}:2: line is longer than 199 bytes", path);
    assert_string_equal(cause, want);
    assert_null(o.server); /* not even a truncated value */
    free(want);
    free(cause);
    conn_opts_done(&o);
    unit_file_remove(path);
    free(text);
    free(host);
}

static void
config_load__never_takes_the_tail_of_a_long_line_as_a_value(void **state)
{
    /* Cut after 199 bytes, the rest " rm -rf ~/x" would be a continuation
     * line of password-cmd and replace it. */
    char *cmd = str_repeat('c', 184);
    char *text = str_cat3("[account a]\npassword-cmd = ", cmd, " rm -rf ~/x\n");
    char *path = write_config(text, 0600), *cause = NULL, *want;
    struct conn_opts o;
    (void)state;

    conn_opts_init(&o);
    assert_int_equal(config_load(path, "a", 1, &o, &cause), -1);
    want = unit_with_path("{F}:2: line is longer than 199 bytes", path);
    assert_string_equal(cause, want);
    assert_null(o.password_cmd);
    free(want);
    free(cause);
    conn_opts_done(&o);
    unit_file_remove(path);
    free(text);
    free(cmd);
}

static void
config_load__never_drops_the_tail_of_a_long_line_as_a_comment(void **state)
{
    char *cmd = str_repeat('c', 184);
    char *text = str_cat3("[account a]\npassword-cmd = ", cmd, ";rest\n");
    char *path = write_config(text, 0600), *cause = NULL, *want;
    struct conn_opts o;
    (void)state;

    conn_opts_init(&o);
    assert_int_equal(config_load(path, "a", 1, &o, &cause), -1);
    want = unit_with_path("{F}:2: line is longer than 199 bytes", path);
    assert_string_equal(cause, want);
    assert_null(o.password_cmd);
    free(want);
    free(cause);
    conn_opts_done(&o);
    unit_file_remove(path);
    free(text);
    free(cmd);
}

static void
config_load__reports_the_line_after_a_long_line_correctly(void **state)
{
    char *c = str_repeat(';', 500); /* a long comment is still too long */
    char *text = str_cat3("[account a]\n", c, "\nbogus = 1\n");
    char *path = write_config(text, 0600), *cause = NULL, *want;
    struct conn_opts o;
    (void)state;

    conn_opts_init(&o);
    assert_int_equal(config_load(path, "a", 1, &o, &cause), -1);
    want = unit_with_path("{F}:2: line is longer than 199 bytes", path);
    assert_string_equal(cause, want);
    free(want);
    free(cause);
    conn_opts_done(&o);
    unit_file_remove(path);
    free(text);
    free(c);
}

static void config_load__rejects_a_one_megabyte_line(void **state)
{
    char *big = str_repeat('x', 1u << 20);
    char *path = write_config(big, 0600), *cause = NULL, *want;
    struct conn_opts o;
    (void)state;

    conn_opts_init(&o);
    assert_int_equal(config_load(path, "a", 1, &o, &cause), -1);
    want = unit_with_path("{F}:1: line is longer than 199 bytes", path);
    assert_string_equal(cause, want);
    free(want);
    free(cause);
    conn_opts_done(&o);
    unit_file_remove(path);
    free(big);
}

static void config_load__reads_100000_comment_lines(void **state)
{
    struct buf b;
    char *path, *cause = NULL, *want;
    struct conn_opts o;
    int i;
    (void)state;

    buf_init(&b);
    buf_puts(&b, "[account a]\n");
    for (i = 0; i < 100000; i++)
        buf_puts(&b, "# comment\n");
    buf_puts(&b, "bogus = 1\n");
    path = write_config(b.data, 0600);
    conn_opts_init(&o);
    assert_int_equal(config_load(path, "a", 1, &o, &cause), -1);
    want =
        unit_with_path("{F}:100002: unknown key 'bogus' in [account a]", path);
    assert_string_equal(cause, want);
    free(want);
    free(cause);
    conn_opts_done(&o);
    unit_file_remove(path);
    buf_done(&b);
}

static void config_load__stops_a_line_at_a_nul_byte(void **state)
{
    static const char text[] = "[account a]\njid = a@example.org\0junk\n";
    char *path = write_config_n(text, sizeof text - 1, 0600), *cause = NULL;
    struct conn_opts o;
    (void)state;

    conn_opts_init(&o);
    assert_int_equal(config_load(path, "a", 1, &o, &cause), 0);
    assert_string_equal(o.jid, "a@example.org");
    conn_opts_done(&o);
    unit_file_remove(path);
}

/* --- missing file --- */

static void config_load__accepts_a_missing_file_when_not_required(void **state)
{
    char *path = xasprintf("%s/does-not-exist", tmpdir), *cause = NULL;
    struct conn_opts o;
    (void)state;

    conn_opts_init(&o);
    assert_int_equal(config_load(path, "default", 0, &o, &cause), 0);
    assert_null(cause);
    assert_null(o.jid);
    free(path);
}

static void config_load__rejects_a_missing_file_when_required(void **state)
{
    char *path = xasprintf("%s/does-not-exist", tmpdir), *cause = NULL;
    char *want = unit_with_path("{F}: No such file or directory", path);
    struct conn_opts o;
    (void)state;

    conn_opts_init(&o);
    assert_int_equal(config_load(path, "work", 1, &o, &cause), -1);
    assert_string_equal(cause, want);
    free(cause);
    free(want);
    free(path);
}

/* What is not a regular file is refused, even when not required; a FIFO
 * does not block (nobody writes to it). */
struct irregular {
    const char *name;
    const char *what; /* "dir", "fifo" or a path */
    const char *cause;
};

static const struct irregular irregular_rows[] = {
    {"config_load__refuses_a_directory", "dir", "{F}: is a directory"},
    {"config_load__refuses_a_fifo_without_blocking", "fifo",
     "{F}: is not a regular file (a FIFO)"},
    {"config_load__refuses_dev_zero", "/dev/zero",
     "{F}: is not a regular file (a character device)"},
};

static void irregular(void **state)
{
    const struct irregular *r = *state;
    char *path = unit_irregular_new(tmpdir, r->what), *cause = NULL, *want;
    struct conn_opts o;
    int required;

    want = unit_with_path(r->cause, path);
    for (required = 0; required <= 1; required++) {
        conn_opts_init(&o);
        assert_int_equal(config_load(path, "a", required, &o, &cause), -1);
        assert_string_equal(cause, want);
        free(cause);
        conn_opts_done(&o);
    }
    free(want);
    unit_irregular_remove(path, r->what);
}

/* --- config-only keys --- */

static void conn_opts_set__takes_password_from_the_config_only(void **state)
{
    struct conn_opts o;
    char *cause = NULL;
    (void)state;

    conn_opts_init(&o);
    assert_int_equal(conn_opts_set(&o, "password", "hunter2", 0, &cause), -2);
    assert_null(cause);
    assert_null(o.password);
    assert_int_equal(conn_opts_set(&o, "password", "hunter2", 1, &cause), 0);
    assert_string_equal(o.password, "hunter2");
    conn_opts_done(&o);
    assert_null(o.password);
}

static void conn_opts_set__takes_other_keys_from_both(void **state)
{
    struct conn_opts o;
    char *cause = NULL;
    (void)state;

    conn_opts_init(&o);
    assert_int_equal(conn_opts_set(&o, "server", "a.example", 0, &cause), 0);
    assert_string_equal(o.server, "a.example");
    assert_int_equal(conn_opts_set(&o, "server", "b.example", 1, &cause), 0);
    assert_string_equal(o.server, "b.example");
    assert_int_equal(conn_opts_set(&o, "insecure", NULL, 0, &cause), 0);
    assert_int_equal(o.insecure, 1);    /* a flag given alone means true */
    assert_int_equal(o.keep_ended, -1); /* not given: the console's default */
    assert_int_equal(conn_opts_set(&o, "keep-ended", "0", 0, &cause), 0);
    assert_int_equal(o.keep_ended, 0);
    conn_opts_done(&o);
}

static void conn_opts_set__returns_minus_2_for_an_unknown_key(void **state)
{
    struct conn_opts o;
    char *cause = NULL;
    (void)state;

    conn_opts_init(&o);
    assert_int_equal(conn_opts_set(&o, "colour", "blue", 0, &cause), -2);
    assert_int_equal(conn_opts_set(&o, "colour", "blue", 1, &cause), -2);
    assert_int_equal(conn_opts_set(&o, "", "x", 1, &cause), -2);
    assert_null(cause);
    conn_opts_done(&o);
}

/* --- the transport: BOSH or WebSocket, one of them --- */

static void
conn_opts__a_transport_on_the_command_line_replaces_the_configs(void **state)
{
    struct conn_opts o;
    char *cause = NULL;
    (void)state;

    conn_opts_init(&o);
    assert_int_equal(conn_opts_set(&o, "jid", "a@example.org", 1, &cause), 0);
    assert_int_equal(
        conn_opts_set(&o, "bosh", "https://h/http-bind", 1, &cause), 0);
    assert_int_equal(conn_opts_set(&o, "ws", "wss://h:8445/ws/", 0, &cause), 0);
    assert_null(o.bosh);
    assert_string_equal(o.ws, "wss://h:8445/ws/");
    assert_int_equal(conn_opts_check(&o, &cause), 0);
    conn_opts_done(&o);
}

static void conn_opts_check__refuses_bosh_and_ws_from_one_source(void **state)
{
    struct conn_opts o;
    char *cause = NULL;
    int from_config;
    (void)state;

    for (from_config = 0; from_config <= 1; from_config++) {
        conn_opts_init(&o);
        assert_int_equal(conn_opts_set(&o, "jid", "a@example.org", 0, &cause),
                         0);
        assert_int_equal(
            conn_opts_set(&o, "ws", "ws://h/ws", from_config, &cause), 0);
        assert_int_equal(conn_opts_set(&o, "bosh", "http://h/http-bind",
                                       from_config, &cause),
                         0);
        assert_int_equal(conn_opts_check(&o, &cause), -1);
        assert_non_null(strstr(cause, "--bosh and --ws name two transports"));
        free(cause);
        cause = NULL;
        conn_opts_done(&o);
    }
}

static void conn_opts_set__needs_a_value_for_a_non_flag(void **state)
{
    struct conn_opts o;
    char *cause = NULL;
    (void)state;

    conn_opts_init(&o);
    assert_int_equal(conn_opts_set(&o, "server", NULL, 0, &cause), -1);
    assert_string_equal(cause, "server needs a value");
    free(cause);
    conn_opts_done(&o);
}

/* --- config_path --- */

struct path_row {
    const char *name;
    const char *xdg, *home; /* NULL: unset */
    const char *want;       /* NULL: no path */
};

static const struct path_row path_rows[] = {
    {"config_path__uses_xdg_config_home", "/x/cfg", "/home/u",
     "/x/cfg/perch/config"},
    {"config_path__falls_back_to_home", NULL, "/home/u",
     "/home/u/.config/perch/config"},
    {"config_path__ignores_an_empty_xdg_config_home", "", "/home/u",
     "/home/u/.config/perch/config"},
    {"config_path__is_null_without_xdg_and_home", NULL, NULL, NULL},
    {"config_path__is_null_with_both_empty", "", "", NULL},
};

static void set_or_unset(const char *name, const char *value)
{
    if (value)
        assert_int_equal(setenv(name, value, 1), 0);
    else
        assert_int_equal(unsetenv(name), 0);
}

static void path_row(void **state)
{
    const struct path_row *r = *state;
    const char *xdg0 = getenv("XDG_CONFIG_HOME"), *home0 = getenv("HOME");
    char *xdg = xdg0 ? xstrdup(xdg0) : NULL,
         *home = home0 ? xstrdup(home0) : NULL;
    char *got;

    set_or_unset("XDG_CONFIG_HOME", r->xdg);
    set_or_unset("HOME", r->home);
    got = config_path();
    set_or_unset("XDG_CONFIG_HOME", xdg);
    set_or_unset("HOME", home);
    free(xdg);
    free(home);
    if (r->want == NULL) {
        assert_null(got);
    } else {
        assert_string_equal(got, r->want);
        free(got);
    }
}

int main(void)
{
    struct test_list l = {0};

    tl_add(&l, "config_load__applies_every_key_of_the_named_account",
           config_load__applies_every_key_of_the_named_account, NULL);
    TL_ROWS(&l, tls_rows, tls_row);
    TL_ROWS(&l, bool_rows, bool_row);
    tl_add(&l, "config_load__applies_the_default_account",
           config_load__applies_the_default_account, NULL);
    tl_add(&l, "config_load__checks_but_applies_nothing_without_an_account",
           config_load__checks_but_applies_nothing_without_an_account, NULL);
    tl_add(&l, "config_load__accepts_a_missing_optional_account",
           config_load__accepts_a_missing_optional_account, NULL);
    tl_add(&l, "config_load__reads_comments_bom_crlf_and_inline_comments",
           config_load__reads_comments_bom_crlf_and_inline_comments, NULL);
    tl_add(&l, "config_load__accepts_a_199_byte_line",
           config_load__accepts_a_199_byte_line, NULL);
    TL_ROWS(&l, error_rows, error);
    tl_add(&l, "config_load__refuses_a_group_readable_file_with_a_password",
           config_load__refuses_a_group_readable_file_with_a_password, NULL);
    tl_add(&l, "config_load__accepts_a_password_in_a_0600_file",
           config_load__accepts_a_password_in_a_0600_file, NULL);
    tl_add(&l, "config_load__accepts_a_readable_file_without_a_password",
           config_load__accepts_a_readable_file_without_a_password, NULL);
    tl_add(&l, "config_load__rejects_a_line_longer_than_199_bytes",
           config_load__rejects_a_line_longer_than_199_bytes, NULL);
    tl_add(&l, "config_load__never_takes_the_tail_of_a_long_line_as_a_value",
           config_load__never_takes_the_tail_of_a_long_line_as_a_value, NULL);
    tl_add(&l, "config_load__never_drops_the_tail_of_a_long_line_as_a_comment",
           config_load__never_drops_the_tail_of_a_long_line_as_a_comment, NULL);
    tl_add(&l, "config_load__reports_the_line_after_a_long_line_correctly",
           config_load__reports_the_line_after_a_long_line_correctly, NULL);
    tl_add(&l, "config_load__rejects_a_one_megabyte_line",
           config_load__rejects_a_one_megabyte_line, NULL);
    tl_add(&l, "config_load__reads_100000_comment_lines",
           config_load__reads_100000_comment_lines, NULL);
    tl_add(&l, "config_load__stops_a_line_at_a_nul_byte",
           config_load__stops_a_line_at_a_nul_byte, NULL);
    tl_add(&l, "config_load__accepts_a_missing_file_when_not_required",
           config_load__accepts_a_missing_file_when_not_required, NULL);
    tl_add(&l, "config_load__rejects_a_missing_file_when_required",
           config_load__rejects_a_missing_file_when_required, NULL);
    TL_ROWS(&l, irregular_rows, irregular);
    tl_add(&l, "conn_opts_set__takes_password_from_the_config_only",
           conn_opts_set__takes_password_from_the_config_only, NULL);
    tl_add(&l, "conn_opts_set__takes_other_keys_from_both",
           conn_opts_set__takes_other_keys_from_both, NULL);
    tl_add(&l, "conn_opts_set__returns_minus_2_for_an_unknown_key",
           conn_opts_set__returns_minus_2_for_an_unknown_key, NULL);
    tl_add(&l, "conn_opts_set__needs_a_value_for_a_non_flag",
           conn_opts_set__needs_a_value_for_a_non_flag, NULL);
    tl_add(
        &l, "conn_opts__a_transport_on_the_command_line_replaces_the_configs",
        conn_opts__a_transport_on_the_command_line_replaces_the_configs, NULL);
    tl_add(&l, "conn_opts_check__refuses_bosh_and_ws_from_one_source",
           conn_opts_check__refuses_bosh_and_ws_from_one_source, NULL);
    TL_ROWS(&l, path_rows, path_row);
    return tl_run(&l, "config", group_setup, group_teardown);
}
