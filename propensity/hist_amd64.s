//go:build amd64 && !purego

#include "textflag.h"

// func histAVX(h0, h1, h2, h3 *bin, col *uint32, rows *int32, gh *ghPair, n int)
//
// For k in 0..n-1: r = rows[k], v = col[r]; Y0 = (gh[k].g, gh[k].h, 1, 0);
// for i in 0..3, the 32-byte cell number byte i of v in histogram hi gets
// Y0 added. n > 0.
TEXT ·histAVX(SB), NOSPLIT, $0-64
	MOVQ h0+0(FP), R8
	MOVQ h1+8(FP), R9
	MOVQ h2+16(FP), R10
	MOVQ h3+24(FP), R11
	MOVQ col+32(FP), SI
	MOVQ rows+40(FP), DI
	MOVQ gh+48(FP), DX
	MOVQ n+56(FP), CX
	MOVQ $0x3FF0000000000000, AX // 1.0
	MOVQ AX, X7                  // X7 = (1, 0)

loop:
	MOVLQSX (DI), AX             // r
	MOVL    (SI)(AX*4), BX       // v = col[r]
	VMOVUPD (DX), X0             // (g, h)
	VINSERTF128 $1, X7, Y0, Y0   // (g, h, 1, 0)

	MOVBQZX BL, AX
	SHLQ    $5, AX
	VADDPD  (R8)(AX*1), Y0, Y1
	VMOVUPD Y1, (R8)(AX*1)

	MOVL    BX, AX
	SHRL    $8, AX
	MOVBQZX AL, AX
	SHLQ    $5, AX
	VADDPD  (R9)(AX*1), Y0, Y2
	VMOVUPD Y2, (R9)(AX*1)

	MOVL    BX, AX
	SHRL    $16, AX
	MOVBQZX AL, AX
	SHLQ    $5, AX
	VADDPD  (R10)(AX*1), Y0, Y3
	VMOVUPD Y3, (R10)(AX*1)

	SHRL    $24, BX
	SHLQ    $5, BX
	VADDPD  (R11)(BX*1), Y0, Y4
	VMOVUPD Y4, (R11)(BX*1)

	ADDQ $4, DI
	ADDQ $16, DX
	DECQ CX
	JNZ  loop

	VZEROUPPER
	RET
