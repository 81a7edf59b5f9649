/* bench/tiny.c - the smallest program exec can run: it exits at once. */
int main(void)
{
	return 0;
}
