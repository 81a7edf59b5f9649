/*
 * arch/x86_64/pic.h - the two cascaded 8259A interrupt controllers.
 *
 * IRQ lines 0..15 are remapped to vectors 32..47 and start masked; irq_register
 * unmasks a line when it gets a handler.
 */
#ifndef CALF_ARCH_PIC_H
#define CALF_ARCH_PIC_H

#include <stdbool.h>

void pic_init(void);
void pic_unmask(unsigned irq);
void pic_mask(unsigned irq);
void pic_end_of_interrupt(unsigned irq);
/* A line-7/15 interrupt nobody raised (the PIC's in-service bit is clear). */
bool pic_is_spurious(unsigned irq);
/* Whether the line has an interrupt waiting (its request bit). */
bool pic_is_pending(unsigned irq);

#endif
