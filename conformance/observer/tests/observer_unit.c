/* observer_unit: the observer's pure parts, in-process on the host: the
 * remote protocol's framing and encodings, target descriptions, stop
 * replies, the data that describes a runtime, and the `rt0 obs` lines
 * (which must keep to the trace grammar). */
#include <criterion/criterion.h>
#include <string.h>

#include "../obs_internal.h"
#include "../rsp.h"
#include "rt0conf/trace.h"
#include "rt0obs/observer.h"

Test(rsp, frame_has_checksum)
{
	char out[64];
	cr_assert(rsp_frame("g", out, sizeof out));
	cr_assert_str_eq(out, "$g#67");
	cr_assert(rsp_frame("qSupported", out, sizeof out));
	cr_assert_str_eq(out, "$qSupported#37");
	cr_assert_not(rsp_frame("0123456789", out, 12), "overflow accepted");
}

Test(rsp, decode_escapes_and_run_lengths)
{
	char bin[16] = {'a', '}', '#' ^ 0x20, 'b', '}', '}' ^ 0x20};
	size_t n = rsp_decode(bin, 6, sizeof bin, true);
	cr_assert_eq(n, 4);
	cr_assert(memcmp(bin, "a#b}", 4) == 0);
	/* "0* " is '0' and 3 more ('*' then ' ' = 32 - 29). */
	char rle[16] = "0* 1";
	n = rsp_decode(rle, 4, sizeof rle, false);
	cr_assert_eq(n, 5);
	cr_assert(memcmp(rle, "00001", 5) == 0);
	char cut[4] = {'a', '}'};
	cr_assert_eq(rsp_decode(cut, 2, sizeof cut, true), (size_t)-1);
}

Test(rsp, unhex)
{
	unsigned char b[4];
	cr_assert(rsp_unhex("e0374400", 4, b));
	cr_assert(b[0] == 0xe0 && b[1] == 0x37 && b[2] == 0x44 && b[3] == 0);
	cr_assert_not(rsp_unhex("E14", 2, b));
}

Test(rsp, tdesc_numbers_registers_like_gdb)
{
	static const char top[] = "<target><xi:include href=\"core.xml\"/>"
	                          "<xi:include href='sys.xml'/></target>";
	static const char core[] =
	    "<feature><reg name=\"x0\" bitsize=\"64\"/>"
	    "<reg name=\"sp\" bitsize=\"64\"/>"
	    "<reg name=\"pc\" bitsize=\"64\"/></feature>";
	static const char sys[] =
	    "<feature><reg name=\"ID\" bitsize=\"64\" regnum=\"86\"/>"
	    "<reg name=\"TPIDR_EL0\" bitsize=\"64\" regnum=\"240\"/>"
	    "<reg name=\"NEXT\" bitsize=\"32\"/></feature>";
	char href[64];
	cr_assert(rsp_tdesc_include(top, 0, href, sizeof href));
	cr_assert_str_eq(href, "core.xml");
	cr_assert(rsp_tdesc_include(top, 1, href, sizeof href));
	cr_assert_str_eq(href, "sys.xml");
	cr_assert_not(rsp_tdesc_include(top, 2, href, sizeof href));
	struct rsp_tdesc t = {0};
	cr_assert(rsp_tdesc_add(&t, top));
	cr_assert(rsp_tdesc_add(&t, core));
	cr_assert(rsp_tdesc_add(&t, sys));
	cr_assert_eq(rsp_tdesc_find(&t, "pc")->regnum, 2);
	cr_assert_eq(rsp_tdesc_find(&t, "TPIDR_EL0")->regnum, 240);
	cr_assert_eq(rsp_tdesc_find(&t, "NEXT")->regnum, 241);
	cr_assert_eq(rsp_tdesc_find(&t, "NEXT")->bitsize, 32);
	cr_assert_null(rsp_tdesc_find(&t, "x1"));
	cr_assert_not(rsp_tdesc_add(&t, "<reg bitsize=\"64\"/>"),
	              "a reg without a name");
	rsp_tdesc_free(&t);
}

/* qemu 7.2's i386-32bit.xml comments out three registers its gdbstub does
 * not number: counting them would shift gs_base onto another register. */
Test(rsp, tdesc_skips_commented_registers)
{
	static const char xml[] =
	    "<feature><reg name=\"gs\" bitsize=\"32\" regnum=\"15\"/>\n"
	    "<!--reg name=\"ss_base\" bitsize=\"32\"/>\n"
	    "<reg name=\"es_base\" bitsize=\"32\"/-->\n"
	    "<reg name=\"fs_base\" bitsize=\"32\"/>\n"
	    "<reg name=\"gs_base\" bitsize=\"32\"/></feature>";
	struct rsp_tdesc t = {0};
	cr_assert(rsp_tdesc_add(&t, xml));
	cr_assert_null(rsp_tdesc_find(&t, "ss_base"));
	cr_assert_null(rsp_tdesc_find(&t, "es_base"));
	cr_assert_eq(rsp_tdesc_find(&t, "fs_base")->regnum, 16);
	cr_assert_eq(rsp_tdesc_find(&t, "gs_base")->regnum, 17);
	rsp_tdesc_free(&t);
}

/* Registers and memory come in the target's byte order (s390x: big); an
 * ELFv2 function's breakpoint goes at its local entry (st_other). */
Test(arch, byte_order_and_local_entry)
{
	static const unsigned char b[4] = {0x12, 0x34, 0x56, 0x78};
	cr_assert_eq(obs_arch_word(obs_arch_find("s390x"), b, 4), 0x12345678u);
	cr_assert_eq(obs_arch_word(obs_arch_find("amd64"), b, 4), 0x78563412u);
	cr_assert_eq(obs_arch_word(obs_arch_find("ppc64le"), b, 2), 0x3412u);
	const struct obs_arch *ppc = obs_arch_find("ppc64le");
	cr_assert_eq(obs_arch_entry_offset(ppc, 3 << 5), 8);
	cr_assert_eq(obs_arch_entry_offset(ppc, 1 << 5), 0);
	cr_assert_eq(obs_arch_entry_offset(ppc, 0), 0);
	cr_assert_eq(obs_arch_entry_offset(obs_arch_find("arm64"), 3 << 5), 0);
}

Test(rsp, stop_replies)
{
	struct rsp_stop s;
	cr_assert(rsp_parse_stop("T05thread:p01.2b89;", &s));
	cr_assert(s.kind == 'T' && s.value == 5);
	cr_assert_str_eq(s.thread, "p01.2b89");
	cr_assert(rsp_parse_stop("W00", &s) && s.kind == 'W' && s.value == 0);
	cr_assert(rsp_parse_stop("X0b", &s) && s.kind == 'X' && s.value == 11);
	cr_assert(rsp_parse_stop("S0b", &s) && s.thread[0] == '\0');
	cr_assert_not(rsp_parse_stop("OK", &s));
	cr_assert_not(rsp_parse_stop("E14", &s));
	cr_assert_not(rsp_parse_stop("T5", &s));
}

Test(spec, g_where)
{
	struct obs_g_where w;
	char err[256];
	cr_assert(obs_g_where_parse("tp-8", NULL, NULL, &w, err, sizeof err));
	cr_assert(w.kind == OBS_G_TP && w.tp_offset == -8);
	cr_assert(
	    obs_g_where_parse("tp+0x10", NULL, NULL, &w, err, sizeof err));
	cr_assert(w.kind == OBS_G_TP && w.tp_offset == 16);
	cr_assert(
	    obs_g_where_parse("reg:x28", NULL, NULL, &w, err, sizeof err));
	cr_assert(w.kind == OBS_G_REGISTER);
	cr_assert_str_eq(w.reg, "x28");
	cr_assert(obs_g_where_parse("none", NULL, NULL, &w, err, sizeof err));
	cr_assert_eq(w.kind, OBS_G_NONE);
	static const char *const bad[] = {"tp",    "tp+",          "tp+x",
	                                  "tp--8", "reg:",         "r28",
	                                  "tls:",  "tls:rt0_tls_g"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		cr_assert_not(
		    obs_g_where_parse(bad[i], NULL, NULL, &w, err, sizeof err),
		    "accepted '%s'", bad[i]);
}

Test(spec, layout)
{
	struct obs_g_layout l;
	char err[256];
	cr_assert(obs_layout_parse("goid=152:8,stack.lo=0,stack.hi=8,m=48", &l,
	                           err, sizeof err),
	          "%s", err);
	cr_assert(l.goid.known && l.goid.offset == 152 && l.goid.size == 8);
	cr_assert(l.stack_hi.known && l.stack_hi.offset == 8);
	cr_assert(l.m.known && l.m.size == 8);
	static const char *const bad[] = {"goid",     "goid=-1", "goid=8:9",
	                                  "goid=8:0", "sp=0",    "goid=1x"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		cr_assert_not(obs_layout_parse(bad[i], &l, err, sizeof err),
		              "accepted '%s'", bad[i]);
}

Test(spec, bad_spec_is_refused_before_running)
{
	static const char *const syms[] = {"main", NULL};
	struct obs_spec spec = {
	    .arch = "sparc", .probe = "/bin/true", .symbols = syms};
	struct obs_result res;
	cr_assert_eq(obs_run(&spec, &res), OBS_EBADSPEC);
	cr_assert(strstr(res.error, "sparc"), "%s", res.error);
	cr_assert_not(res.probe.started);
	obs_result_free(&res);
	spec.arch = "arm64"; /* /bin/true is an amd64 file */
	spec.qemu = "qemu-aarch64";
	cr_assert_eq(obs_run(&spec, &res), OBS_EBADSPEC);
	cr_assert(strstr(res.error, "amd64"), "%s", res.error);
	obs_result_free(&res);
	spec.probe = "/nonexistent/probe";
	cr_assert_eq(obs_run(&spec, &res), OBS_EBADSPEC);
	cr_assert(strstr(res.error, "/nonexistent/probe"), "%s", res.error);
	obs_result_free(&res);
}

/* The lines keep to TRACE.md's grammar and read back with the parser. */
Test(lines, obs_line_parses_as_trace)
{
	static const char *const syms[] = {"runtime.main", "odd name%", NULL};
	struct obs_spec spec = {.arch = "amd64", .symbols = syms};
	struct obs_stop s = {.seq = 7,
	                     .symbol = 0,
	                     .tid = 42,
	                     .pc = 0x401000,
	                     .sp = 0x7ffd0,
	                     .have_tp = true,
	                     .tp = 0x40d698,
	                     .gread = OBS_GREAD_OK,
	                     .g = 0x40d5c0,
	                     .have_goid = true,
	                     .goid = 1,
	                     .have_stack = true,
	                     .stack_lo = 0x7f000,
	                     .stack_hi = 0x80000,
	                     .sp_in_stack = true,
	                     .have_m = true,
	                     .m = 0x4000};
	char buf[2048];
	size_t n = obs_format_stop(&spec, &s, buf, sizeof buf);
	s.symbol = 1;
	s.gread = OBS_GREAD_NO_SLOT;
	s.have_goid = s.have_stack = s.have_m = false;
	n += obs_format_stop(&spec, &s, buf + n, sizeof buf - n);
	struct trace t;
	cr_assert(trace_parse(buf, n, &t), "%s\n%s", t.error, buf);
	cr_assert_eq(t.nlines, 2);
	const struct trace_line *l = &t.lines[0];
	cr_assert_str_eq(l->kind, "obs");
	cr_assert_str_eq(trace_field(l, "phase"), "runtime.main");
	cr_assert_eq(trace_u64(l, "sp"), 0x7ffd0);
	cr_assert_eq(trace_i64(l, "goid"), 1);
	cr_assert_eq(trace_u64(l, "stackhi"), 0x80000);
	cr_assert_str_eq(trace_field(l, "spin"), "1");
	cr_assert_str_eq(trace_field(&t.lines[1], "phase"), "odd name%");
	cr_assert_str_eq(trace_field(&t.lines[1], "gread"), "no-slot");
	cr_assert_null(trace_field(&t.lines[1], "goid"));
	trace_free(&t);

	/* A buffer too small still gives one whole line. */
	n = obs_format_stop(&spec, &s, buf, 24);
	cr_assert_eq(n, 23);
	cr_assert_eq(buf[22], '\n');
}
