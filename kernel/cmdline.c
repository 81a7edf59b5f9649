/*
 * kernel/cmdline.c - looking things up in the kernel command line.
 */
#include "kernel/cmdline.h"
#include "lib/string.h"

#define CMDLINE_MAX 1024

static char text[CMDLINE_MAX];

void cmdline_init(const char *line)
{
	strlcpy(text, line, sizeof(text));
}

const char *cmdline_text(void)
{
	return text;
}

/* The word starting at *cursor: its start and length; advances the cursor. */
static bool next_word(const char **cursor, const char **word, size_t *length)
{
	const char *p = *cursor;

	while (*p == ' ')
		p++;
	if (*p == '\0')
		return false;
	*word = p;
	while (*p && *p != ' ')
		p++;
	*length = p - *word;
	*cursor = p;
	return true;
}

/* The last word whose key is `key`; NULL when none. */
static const char *find(const char *key, size_t *word_length)
{
	size_t key_length = strlen(key);
	const char *cursor = text, *word, *found = NULL;
	size_t length;

	while (next_word(&cursor, &word, &length)) {
		if (length >= key_length && strncmp(word, key, key_length) == 0 &&
		    (length == key_length || word[key_length] == '=')) {
			found = word;
			*word_length = length;
		}
	}
	return found;
}

bool cmdline_value(const char *key, char *buf, size_t size)
{
	size_t length, key_length = strlen(key);
	const char *word = find(key, &length);

	if (!word || length == key_length)
		return false;
	size_t value_length = length - key_length - 1;
	if (size == 0)
		return true;
	if (value_length >= size)
		value_length = size - 1;
	memcpy(buf, word + key_length + 1, value_length);
	buf[value_length] = '\0';
	return true;
}

bool cmdline_has(const char *key)
{
	size_t length;

	return find(key, &length) != NULL;
}
