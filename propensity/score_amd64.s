//go:build amd64 && !purego

#include "textflag.h"

// lanes<> is (0, 1, ..., 7): the row number of each lane.
DATA lanes<>+0(SB)/4, $0
DATA lanes<>+4(SB)/4, $1
DATA lanes<>+8(SB)/4, $2
DATA lanes<>+12(SB)/4, $3
DATA lanes<>+16(SB)/4, $4
DATA lanes<>+20(SB)/4, $5
DATA lanes<>+24(SB)/4, $6
DATA lanes<>+28(SB)/4, $7
GLOBL lanes<>(SB), RODATA|NOPTR, $32

#define SPLAT8(name, v) \
	DATA name+0(SB)/4, v \
	DATA name+4(SB)/4, v \
	DATA name+8(SB)/4, v \
	DATA name+12(SB)/4, v \
	DATA name+16(SB)/4, v \
	DATA name+20(SB)/4, v \
	DATA name+24(SB)/4, v \
	DATA name+28(SB)/4, v \
	GLOBL name(SB), RODATA|NOPTR, $32

SPLAT8(byte<>, $0xff)
SPLAT8(feat<>, $0xffff)
SPLAT8(low5<>, $31)

// STEP moves the eight rows of one group (nodes K, info words INFO, left
// children at LEFT, lane row offsets at OFF) one level down: K becomes
// left, or left+1 where the row goes right (snode in score.go); where the
// new node is not a leaf, Y14 loses the lane's sign bit. For steps with
// numeric splits only. Uses Y8-Y13.
#define STEP(K, OFF, INFO, LEFT) \
	VMOVDQU    LEFT, Y9 \
	VPAND      feat<>(SB), INFO, Y10 \
	VPSLLD     $5, Y10, Y10 \
	VPADDD     OFF, Y10, Y10 \
	VPCMPEQD   Y8, Y8, Y8 \
	VPGATHERDD Y8, (R9)(Y10*1), Y11 \
	VPAND      byte<>(SB), Y11, Y11 \
	VPSRLD     $16, INFO, Y12 \
	VPAND      byte<>(SB), Y12, Y12 \
	VPCMPGTD   Y12, Y11, Y12 \
	VPCMPEQD   byte<>(SB), Y11, Y13 \
	VPSLLD     $6, INFO, Y10 \
	VPSRAD     $31, Y10, Y10 \
	VPCMPEQD   Y8, Y8, Y8 \
	VPXOR      Y8, Y10, Y10 \
	VPBLENDVB  Y13, Y10, Y12, Y12 \
	VPSUBD     Y12, Y9, K \
	VPSLLD     $4, INFO, Y10 \
	VPSLLD     $3, INFO, Y13 \
	VPBLENDVB  Y12, Y13, Y10, Y10 \
	VPAND      Y10, Y14, Y14

// STEPM is STEP for steps with categorical splits: every split's bins
// that go right are a 256-bit set (numeric, categorical and missing
// alike), so the step gathers the word of each row's bin in its node's
// set. Uses Y8-Y13.
#define STEPM(K, OFF, INFO, LEFT) \
	VPAND      feat<>(SB), INFO, Y10 \
	VPSLLD     $5, Y10, Y10 \
	VPADDD     OFF, Y10, Y10 \
	VPCMPEQD   Y8, Y8, Y8 \
	VPGATHERDD Y8, (R9)(Y10*1), Y11 \
	VPAND      byte<>(SB), Y11, Y11 \
	VPSLLD     $3, K, Y10 \
	VPSRLD     $5, Y11, Y12 \
	VPADDD     Y12, Y10, Y10 \
	VPCMPEQD   Y8, Y8, Y8 \
	VPGATHERDD Y8, (R10)(Y10*4), Y12 \
	VPAND      low5<>(SB), Y11, Y11 \
	VPXOR      low5<>(SB), Y11, Y11 \
	VPSLLVD    Y11, Y12, Y12 \
	VPSRLD     $31, Y12, Y13 \
	VPADDD     LEFT, Y13, K \
	VPSLLD     $4, INFO, Y10 \
	VPSLLD     $3, INFO, Y13 \
	VBLENDVPS  Y12, Y13, Y10, Y10 \
	VPAND      Y10, Y14, Y14

// ROOT moves the eight rows of the group whose bins start at byte OFF of
// the root feature's bins (R9+R12) from the root (info Y4, left child Y5,
// set Y6) to a child, as STEPM does. Uses Y8-Y13.
#define ROOT(K, OFF, S) \
	VPMOVZXBD OFF(R9)(R12*1), Y11 \
	VPSRLD    $5, Y11, Y12 \
	VPERMD    Y6, Y12, Y12 \
	VPAND     low5<>(SB), Y11, Y11 \
	VPXOR     low5<>(SB), Y11, Y11 \
	VPSLLVD   Y11, Y12, Y12 \
	VMOVDQU   Y12, S \
	VPSRLD    $31, Y12, Y13 \
	VPADDD    Y5, Y13, K \
	VPSLLD    $4, Y4, Y10 \
	VPSLLD    $3, Y4, Y13 \
	VBLENDVPS Y12, Y13, Y10, Y10 \
	VPAND     Y10, Y14, Y14

// LEVEL2 moves the eight rows of a group one level further from the
// root's children A and B (A+1) without a gather: the sign of S says which
// one each row is at; their info words (Y4, Y5), left children (Y6, Y7),
// bins (the features' bins at R9+R12 and R9+AX) and sets (at R10+R13 and
// 32 bytes on) are blended by it. Uses Y8-Y13.
#define LEVEL2(K, OFF, S) \
	VMOVDQU   S, Y13 \
	VPMOVZXBD OFF(R9)(R12*1), Y11 \
	VPMOVZXBD OFF(R9)(AX*1), Y12 \
	VBLENDVPS Y13, Y12, Y11, Y11 \
	VPSRLD    $5, Y11, Y12 \
	VPERMD    (R10)(R13*1), Y12, Y10 \
	VPERMD    32(R10)(R13*1), Y12, Y12 \
	VBLENDVPS Y13, Y12, Y10, Y12 \
	VPAND     low5<>(SB), Y11, Y11 \
	VPXOR     low5<>(SB), Y11, Y11 \
	VPSLLVD   Y11, Y12, Y12 \
	VPSRLD    $31, Y12, Y8 \
	VBLENDVPS Y13, Y7, Y6, Y10 \
	VPADDD    Y10, Y8, K \
	VBLENDVPS Y13, Y5, Y4, Y9 \
	VPSLLD    $4, Y9, Y10 \
	VPSLLD    $3, Y9, Y8 \
	VBLENDVPS Y12, Y8, Y10, Y10 \
	VPAND     Y10, Y14, Y14

// LEAVES adds the values of the eight leaves K to the sums at Z (lanes
// 0-3) and Z+32 (4-7). Uses Y8-Y10.
#define LEAVES(K, XK, Z) \
	VPCMPEQD     Y8, Y8, Y8 \
	VGATHERDPD   Y8, (R11)(XK*8), Y9 \
	VADDPD       Z(DX), Y9, Y9 \
	VMOVUPD      Y9, Z(DX) \
	VEXTRACTI128 $1, K, X10 \
	VPCMPEQD     Y8, Y8, Y8 \
	VGATHERDPD   Y8, (R11)(X10*8), Y9 \
	VADDPD       Z+32(DX), Y9, Y9 \
	VMOVUPD      Y9, Z+32(DX)

// NODE gathers the eight nodes K (8 bytes each: left, info) in two
// halves and splits them into their info words INFO and left children
// (stored at LEFT). Uses Y8-Y11.
#define NODE(K, XK, INFO, LEFT) \
	VPCMPEQD     Y8, Y8, Y8 \
	VPGATHERDQ   Y8, (R8)(XK*8), Y9 \
	VEXTRACTI128 $1, K, X10 \
	VPCMPEQD     Y8, Y8, Y8 \
	VPGATHERDQ   Y8, (R8)(X10*8), Y11 \
	VSHUFPS      $0xDD, Y11, Y9, INFO \
	VPERMQ       $0xD8, INFO, INFO \
	VSHUFPS      $0x88, Y11, Y9, Y10 \
	VPERMQ       $0xD8, Y10, Y10 \
	VMOVDQU      Y10, LEFT

// func scoreAVX2(nodes *snode, values *float64, right *uint32, roots []int32, nf int, rb *uint8, z *float64, quads int)
//
// For each four groups of eight rows (rb advancing by 32*nf, z by 32; the
// 32 rows' bins column by column: feature f of lane i at byte 32f+i), for
// each tree: Y0-Y3 hold the groups' nodes, starting at the root; a step
// gathers their info words (Y4-Y7) and left children and moves each group
// one level down, until all 32 rows are at leaves (a node tells whether
// its children are leaves, so the last step needs no gather to know). The groups' steps are
// independent, so the processor overlaps their gathers. At the leaves the
// values are gathered and added to the sums in z, in tree order. The
// frame holds the lanes' row offsets of the four groups (0-127) and their
// nodes' left children (128-255), and the groups' turns at the root
// (256-383). Y14 and Y15 are
// not used.
TEXT ·scoreAVX2(SB), NOSPLIT, $384-80
	MOVQ nodes+0(FP), R8
	MOVQ values+8(FP), R11
	MOVQ right+16(FP), R10
	MOVQ nf+48(FP), BX
	MOVQ rb+56(FP), R9
	MOVQ z+64(FP), DX
	MOVQ quads+72(FP), CX

	VMOVDQU      lanes<>(SB), Y7 // lane i of the first group: i
	VMOVDQU      Y7, 0(SP)
	MOVQ         $8, AX
	MOVQ         AX, X6
	VPBROADCASTD X6, Y6
	VPADDD       Y6, Y7, Y7      // next group: 8+i
	VMOVDQU      Y7, 32(SP)
	VPADDD       Y6, Y7, Y7
	VMOVDQU      Y7, 64(SP)
	VPADDD       Y6, Y7, Y7
	VMOVDQU      Y7, 96(SP)

quad:
	MOVQ roots_base+24(FP), DI
	MOVQ roots_len+32(FP), SI

tree:
	MOVLQSX (DI), AX
	TESTL   $0x1000000, 4(R8)(AX*8) // a tree of one leaf
	JNZ     leaves1

	// The first step, from the root, needs no gather: every row is at the
	// root, its node words are broadcast, the rows' bins of its feature are
	// side by side in the block, and its set's words are permuted.
	VPBROADCASTD 4(R8)(AX*8), Y4 // info
	VPBROADCASTD (R8)(AX*8), Y5  // left child
	MOVLQSX (R8)(AX*8), R13      // A, the left child
	MOVL    4(R8)(AX*8), R12
	ANDL    $0xffff, R12
	SHLQ    $5, R12              // the feature's 32 bins
	SHLQ    $5, AX
	VMOVDQU (R10)(AX*1), Y6      // the root's set of right-going bins
	VPCMPEQD Y14, Y14, Y14
	ROOT(Y0, 0, 256(SP))
	ROOT(Y1, 8, 288(SP))
	ROOT(Y2, 16, 320(SP))
	ROOT(Y3, 24, 352(SP))
	VMOVMSKPS Y14, AX
	CMPL      AX, $0xff
	JEQ       leaves

	// The second step, from the root's children A and B, needs no gather
	// either: every row is at one of two nodes.
	VPBROADCASTD 4(R8)(R13*8), Y4  // A's info
	VPBROADCASTD 12(R8)(R13*8), Y5 // B's
	VPBROADCASTD (R8)(R13*8), Y6   // A's left child
	VPBROADCASTD 8(R8)(R13*8), Y7  // B's
	MOVL    4(R8)(R13*8), R12
	ANDL    $0xffff, R12
	SHLQ    $5, R12                // A's feature's bins
	MOVL    12(R8)(R13*8), AX
	ANDL    $0xffff, AX
	SHLQ    $5, AX                 // B's
	SHLQ    $5, R13                // A's set; B's 32 bytes on
	VPCMPEQD Y14, Y14, Y14
	LEVEL2(Y0, 0, 256(SP))
	LEVEL2(Y1, 8, 288(SP))
	LEVEL2(Y2, 16, 320(SP))
	LEVEL2(Y3, 24, 352(SP))
	VMOVMSKPS Y14, AX
	CMPL      AX, $0xff
	JEQ       leaves

step:
	NODE(Y0, X0, Y4, 128(SP))
	NODE(Y1, X1, Y5, 160(SP))
	NODE(Y2, X2, Y6, 192(SP))
	NODE(Y3, X3, Y7, 224(SP))
	VPCMPEQD  Y14, Y14, Y14
	VPOR      Y4, Y5, Y9
	VPOR      Y6, Y9, Y9
	VPOR      Y7, Y9, Y9
	VPSLLD    $5, Y9, Y9 // categorical flags to the sign
	VMOVMSKPS Y9, AX
	TESTL     AX, AX
	JZ        numeric
	STEPM(Y0, 0(SP), Y4, 128(SP))
	STEPM(Y1, 32(SP), Y5, 160(SP))
	STEPM(Y2, 64(SP), Y6, 192(SP))
	STEPM(Y3, 96(SP), Y7, 224(SP))
	JMP       stepped

numeric:
	STEP(Y0, 0(SP), Y4, 128(SP))
	STEP(Y1, 32(SP), Y5, 160(SP))
	STEP(Y2, 64(SP), Y6, 192(SP))
	STEP(Y3, 96(SP), Y7, 224(SP))

stepped:
	VMOVMSKPS Y14, AX // the lanes now at leaves
	CMPL      AX, $0xff
	JNE       step

leaves:
	LEAVES(Y0, X0, 0)
	LEAVES(Y1, X1, 64)
	LEAVES(Y2, X2, 128)
	LEAVES(Y3, X3, 192)
	JMP next

leaves1:
	VPBROADCASTD (DI), Y0
	LEAVES(Y0, X0, 0)
	LEAVES(Y0, X0, 64)
	LEAVES(Y0, X0, 128)
	LEAVES(Y0, X0, 192)

next:
	ADDQ $4, DI
	DECQ SI
	JNZ  tree

	ADDQ $256, DX
	MOVQ BX, AX
	SHLQ $5, AX
	ADDQ AX, R9
	DECQ CX
	JNZ  quad

	VZEROUPPER
	RET
