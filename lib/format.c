/*
 * lib/format.c - vsnprintf and snprintf (see lib/format.h).
 *
 * Choices where C leaves the behaviour undefined or glibc differs:
 *  - '0' is ignored for %c, %s and %p (they pad with spaces, as glibc does).
 *  - %s with a NULL pointer prints "(null)", cut by the precision like any string.
 *  - %p ignores '+', ' ', '#', '0' and the precision: always "0x" + 16 digits.
 *  - length modifiers on %c and %s are ignored (no wide characters in the kernel).
 *  - an unknown or unfinished conversion is copied verbatim from its '%' on.
 *  - if the full output would exceed INT_MAX characters, which an int cannot
 *    report, the return value is -1 as in POSIX (the buffer is still filled and
 *    terminated).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/format.h"
#include "lib/string.h"

/* gcc's <limits.h> wants the C library's one behind it, which the kernel lacks. */
#define INT_MAX __INT_MAX__

/* Where the characters go. len counts every character, written or not, because
 * the return value is the length the untruncated output would have had. */
struct out {
	char *buf;
	size_t size;
	size_t len;
};

/* Room left before the terminator's slot. */
static size_t room(const struct out *o)
{
	return o->len + 1 < o->size ? o->size - 1 - o->len : 0;
}

static void put(struct out *o, char c)
{
	if (room(o) > 0)
		o->buf[o->len] = c;
	o->len++;
}

/* Only the part that fits is written, so a huge width costs no time. The room
 * check comes first: past the end of buf, even forming buf + len is undefined. */
static void put_repeat(struct out *o, char c, size_t n)
{
	size_t fit = n < room(o) ? n : room(o);

	if (fit > 0)
		memset(o->buf + o->len, c, fit);
	o->len += n;
}

static void put_bytes(struct out *o, const char *s, size_t n)
{
	size_t fit = n < room(o) ? n : room(o);

	if (fit > 0)
		memcpy(o->buf + o->len, s, fit);
	o->len += n;
}

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE, LEN_PTRDIFF, LEN_MAX };

struct spec {
	int left;      /* '-' */
	int zero;      /* '0' */
	int plus;      /* '+' */
	int space;     /* ' ' */
	int alt;       /* '#' */
	size_t width;
	int has_prec;
	size_t prec;
	enum length length;
	char conv;
};

/* The number stops growing once past INT_MAX instead of overflowing; any such
 * width or precision makes the output too long anyway, which vsnprintf reports. */
static size_t parse_number(const char **p)
{
	size_t n = 0;

	while (**p >= '0' && **p <= '9') {
		if (n < (size_t)INT_MAX + 1)
			n = n * 10 + (size_t)(**p - '0');
		(*p)++;
	}
	return n;
}

/* Negates in unsigned arithmetic, so INT_MIN does not overflow. */
static size_t magnitude(int v)
{
	return v < 0 ? -(size_t)v : (size_t)v;
}

static void parse_flags(const char **p, struct spec *sp)
{
	for (;; (*p)++) {
		switch (**p) {
		case '-': sp->left = 1; break;
		case '0': sp->zero = 1; break;
		case '+': sp->plus = 1; break;
		case ' ': sp->space = 1; break;
		case '#': sp->alt = 1; break;
		default: return;
		}
	}
}

/* The helpers take the va_list by pointer so that each sees what the previous
 * one consumed: a va_list passed by value is indeterminate in the caller once
 * the callee has read from it. */
static void parse_width(const char **p, struct spec *sp, va_list *ap)
{
	if (**p == '*') {
		int w = va_arg(*ap, int);
		(*p)++;
		/* A negative '*' width is a '-' flag and a positive width. */
		if (w < 0)
			sp->left = 1;
		sp->width = magnitude(w);
	} else {
		sp->width = parse_number(p);
	}
}

static void parse_precision(const char **p, struct spec *sp, va_list *ap)
{
	if (**p != '.')
		return;
	(*p)++;
	if (**p == '*') {
		int prec = va_arg(*ap, int);
		(*p)++;
		/* A negative '*' precision counts as no precision at all. */
		if (prec >= 0) {
			sp->has_prec = 1;
			sp->prec = (size_t)prec;
		}
	} else {
		sp->has_prec = 1;
		sp->prec = parse_number(p);
	}
}

static void parse_length(const char **p, struct spec *sp)
{
	switch (**p) {
	case 'h':
		(*p)++;
		sp->length = LEN_SHORT;
		if (**p == 'h') {
			(*p)++;
			sp->length = LEN_CHAR;
		}
		break;
	case 'l':
		(*p)++;
		sp->length = LEN_LONG;
		if (**p == 'l') {
			(*p)++;
			sp->length = LEN_LLONG;
		}
		break;
	case 'z': (*p)++; sp->length = LEN_SIZE; break;
	case 't': (*p)++; sp->length = LEN_PTRDIFF; break;
	case 'j': (*p)++; sp->length = LEN_MAX; break;
	default: break;
	}
}

/* The argument is read with its promoted type, then cut to the modifier's type. */
static intmax_t signed_arg(enum length length, va_list *ap)
{
	switch (length) {
	case LEN_CHAR: return (signed char)va_arg(*ap, int);
	case LEN_SHORT: return (short)va_arg(*ap, int);
	case LEN_LONG: return va_arg(*ap, long);
	case LEN_LLONG: return va_arg(*ap, long long);
	case LEN_SIZE: return (intmax_t)(ptrdiff_t)va_arg(*ap, size_t);
	case LEN_PTRDIFF: return va_arg(*ap, ptrdiff_t);
	case LEN_MAX: return va_arg(*ap, intmax_t);
	default: return va_arg(*ap, int);
	}
}

static uintmax_t unsigned_arg(enum length length, va_list *ap)
{
	switch (length) {
	case LEN_CHAR: return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_LONG: return va_arg(*ap, unsigned long);
	case LEN_LLONG: return va_arg(*ap, unsigned long long);
	case LEN_SIZE: return va_arg(*ap, size_t);
	case LEN_PTRDIFF: return (size_t)va_arg(*ap, ptrdiff_t);
	case LEN_MAX: return va_arg(*ap, uintmax_t);
	default: return va_arg(*ap, unsigned int);
	}
}

static void pad(struct out *o, size_t width, size_t used)
{
	if (width > used)
		put_repeat(o, ' ', width - used);
}

/*
 * Lays out [spaces][sign][prefix][zeros][digits][spaces], with at least prec
 * digits counting the zeros.
 */
static void put_number(struct out *o, const struct spec *sp, size_t prec, const char *sign,
		       const char *prefix, const char *digits, size_t ndigits)
{
	size_t zeros = prec > ndigits ? prec - ndigits : 0;
	size_t used = strlen(sign) + strlen(prefix) + zeros + ndigits;

	/* '0' pads with zeros after the sign, but a precision or '-' overrides it. */
	if (sp->zero && !sp->left && !sp->has_prec && sp->width > used) {
		zeros += sp->width - used;
		used = sp->width;
	}
	if (!sp->left)
		pad(o, sp->width, used);
	put_bytes(o, sign, strlen(sign));
	put_bytes(o, prefix, strlen(prefix));
	put_repeat(o, '0', zeros);
	put_bytes(o, digits, ndigits);
	if (sp->left)
		pad(o, sp->width, used);
}

/* Writes the digits right-aligned, ending at end; returns where they start.
 * Zero gives no digits: the precision decides how it prints. */
static char *to_digits(uintmax_t v, unsigned base, int upper, char *end)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char *p = end;

	while (v != 0) {
		*--p = set[v % base];
		v /= base;
	}
	return p;
}

/* 22 octal digits hold a 64-bit value. */
#define DIGITS_MAX 24

static void format_integer(struct out *o, const struct spec *sp, va_list *ap)
{
	char buf[DIGITS_MAX];
	char *end = buf + sizeof(buf);
	const char *sign = "";
	const char *prefix = "";
	uintmax_t v;

	if (sp->conv == 'd' || sp->conv == 'i') {
		intmax_t s = signed_arg(sp->length, ap);
		/* Unsigned negation: INT64_MIN has no positive int64 counterpart. */
		v = s < 0 ? -(uintmax_t)s : (uintmax_t)s;
		sign = s < 0 ? "-" : sp->plus ? "+" : sp->space ? " " : "";
	} else {
		v = unsigned_arg(sp->length, ap);
	}

	unsigned base = sp->conv == 'o' ? 8 : (sp->conv == 'x' || sp->conv == 'X') ? 16 : 10;
	char *digits = to_digits(v, base, sp->conv == 'X', end);
	size_t ndigits = (size_t)(end - digits);

	if (sp->alt && base == 16 && v != 0)
		prefix = sp->conv == 'X' ? "0X" : "0x";

	/* Zero has no digits of its own: the default precision of 1 makes it "0",
	 * and an explicit precision of 0 prints nothing, as C requires. */
	size_t prec = sp->has_prec ? sp->prec : 1;
	/* %#o raises the precision just enough that the first digit is a 0. */
	if (sp->alt && base == 8 && prec <= ndigits)
		prec = ndigits + 1;
	put_number(o, sp, prec, sign, prefix, digits, ndigits);
}

static void format_pointer(struct out *o, const struct spec *sp, va_list *ap)
{
	char buf[DIGITS_MAX];
	char *end = buf + sizeof(buf);
	uintptr_t v = (uintptr_t)va_arg(*ap, void *);
	char *digits = to_digits(v, 16, 0, end);
	struct spec only_width = { .left = sp->left, .width = sp->width };

	put_number(o, &only_width, 2 * sizeof(uintptr_t), "", "0x", digits, (size_t)(end - digits));
}

static void format_string(struct out *o, const struct spec *sp, va_list *ap)
{
	const char *s = va_arg(*ap, const char *);

	if (s == NULL)
		s = "(null)";
	/* strnlen: with a precision, s need not be terminated within reach. */
	size_t n = sp->has_prec ? strnlen(s, sp->prec) : strlen(s);

	if (!sp->left)
		pad(o, sp->width, n);
	put_bytes(o, s, n);
	if (sp->left)
		pad(o, sp->width, n);
}

static void format_char(struct out *o, const struct spec *sp, va_list *ap)
{
	char c = (char)va_arg(*ap, int);

	if (!sp->left)
		pad(o, sp->width, 1);
	put(o, c);
	if (sp->left)
		pad(o, sp->width, 1);
}

/* Formats the conversion starting just after a '%'; returns where the format
 * continues. */
static const char *format_one(struct out *o, const char *p, va_list *ap)
{
	const char *start = p - 1;
	struct spec sp = { 0 };

	parse_flags(&p, &sp);
	parse_width(&p, &sp, ap);
	parse_precision(&p, &sp, ap);
	parse_length(&p, &sp);
	sp.conv = *p;

	switch (sp.conv) {
	case 'd': case 'i': case 'u': case 'x': case 'X': case 'o':
		format_integer(o, &sp, ap);
		break;
	case 'p':
		format_pointer(o, &sp, ap);
		break;
	case 's':
		format_string(o, &sp, ap);
		break;
	case 'c':
		format_char(o, &sp, ap);
		break;
	case '%':
		put(o, '%');
		break;
	case '\0':
		/* The format ended mid-conversion: keep what there was, and stop. */
		put_bytes(o, start, (size_t)(p - start));
		return p;
	default:
		put_bytes(o, start, (size_t)(p + 1 - start));
		break;
	}
	return p + 1;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
	struct out o = { .buf = buf, .size = size, .len = 0 };
	va_list ap;

	/* On x86-64 va_list is an array type, so the parameter args is really a
	 * pointer and &args is not a va_list *; a local copy's address is. */
	va_copy(ap, args);
	while (*fmt != '\0') {
		if (*fmt == '%') {
			fmt = format_one(&o, fmt + 1, &ap);
		} else {
			put(&o, *fmt);
			fmt++;
		}
	}
	va_end(ap);

	if (size > 0)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len > INT_MAX ? -1 : (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list args;
	int n;

	va_start(args, fmt);
	n = vsnprintf(buf, size, fmt, args);
	va_end(args);
	return n;
}

void text_add(struct text *t, const char *fmt, ...)
{
	va_list args;
	size_t room = t->length < t->size ? t->size - t->length : 0;

	va_start(args, fmt);
	int n = vsnprintf(room ? t->buf + t->length : NULL, room, fmt, args);
	va_end(args);
	if (n > 0)
		t->length += n;
}
