/**
 * Constants of Chromium's BDic format, shared by the reader and the writer.
 *
 * Source: Chromium `third_party/hunspell/google/bdict.h`. All integers are little-endian.
 * Header (32 bytes, though bdict.h's comment still says 28): `BDic`, major u16, minor u16, aff
 * offset u32, dic offset u32, MD5 (16) of every byte from the aff offset to the end. Aff header: four u32 offsets (affix groups, affix
 * rules, replacements, other commands), then the intro comment, then NUL-separated string
 * lists each ended by an empty string. Dic: a trie of leaf, lookup and list nodes.
 *
 * @module
 */

/** The file signature, `BDic`. */
export const SIGNATURE: readonly number[] = [0x42, 0x44, 0x69, 0x63];
/** The major version this code reads and writes (2: with the MD5 digest). */
export const MAJOR_VERSION = 2;
/** Bytes in the file header. */
export const HEADER_SIZE = 32;
/** Bytes in the aff header. */
export const AFF_HEADER_SIZE = 16;

/** Leaf id byte: high bit clear. */
export const LEAF_TYPE_MASK = 0x80;
/** Leaf with an additional string: bits `01` on top. */
export const LEAF_ADDITIONAL_MASK = 0xc0;
/** The value under {@linkcode LEAF_ADDITIONAL_MASK} for a leaf with an additional string. */
export const LEAF_ADDITIONAL_VALUE = 0x40;
/** Leaf followed by a list of more affix ids. */
export const LEAF_FOLLOWING_VALUE = 0x20;
/** The affix id bits of a leaf's first byte. */
export const LEAF_AFFIX_MASK = 0x1f;
/** The largest affix id a leaf stores itself. */
export const LEAF_MAX_FIRST_AFFIX = 0x1ffe;
/** The leaf's own affix id when every id is in the following list. */
export const FIRST_AFFIX_UNUSED = 0x1fff;
/** Ends a leaf's following list. */
export const FOLLOWING_TERMINATOR = 0xffff;
/** The most affix ids one word may have. */
export const MAX_AFFIXES_PER_WORD = 32;

/** Lookup id byte: `110000ab`. */
export const LOOKUP_TYPE_MASK = 0xfc;
/** The value under {@linkcode LOOKUP_TYPE_MASK}. */
export const LOOKUP_TYPE_VALUE = 0xc0;
/** Lookup with a 0th entry (a word ending here). */
export const LOOKUP_0TH_BIT = 0x01;
/** Lookup with 32-bit absolute offsets instead of 16-bit relative ones. */
export const LOOKUP_32BIT_BIT = 0x02;

/** List id byte: `111xcccc`. */
export const LIST_TYPE_MASK = 0xe0;
/** The value under {@linkcode LIST_TYPE_MASK}. */
export const LIST_TYPE_VALUE = 0xe0;
/** List with 16-bit offsets. */
export const LIST_16BIT_BIT = 0x10;
/** The item count bits of a list's id byte. */
export const LIST_COUNT_MASK = 0x0f;
