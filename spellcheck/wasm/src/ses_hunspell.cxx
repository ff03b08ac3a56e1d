/* The C surface @ses calls from TypeScript (spellcheck/hunspell_module.ts): create a checker
 * from affix and word-list bytes in memory, check words, list suggestions, free. Strings are
 * NUL-terminated and in the dictionary's encoding (ses_encoding). */
#include <stdlib.h>
#include <string.h>

#include <string>
#include <vector>

#include "filemgr.hxx"
#include "hunspell.hxx"

#define SES_EXPORT extern "C" __attribute__((used, visibility("default")))

/* Builds a checker from the two files' bytes; NULL when hunspell cannot allocate it. The bytes
 * are read during the call and may be freed afterwards. */
SES_EXPORT Hunspell* ses_create(const char* aff, size_t aff_length, const char* dic,
                                size_t dic_length) {
  ses_register_file("/ses/dictionary.aff", aff, aff_length);
  ses_register_file("/ses/dictionary.dic", dic, dic_length);
  Hunspell* checker = new Hunspell("/ses/dictionary.aff", "/ses/dictionary.dic");
  ses_clear_files();
  return checker;
}

SES_EXPORT void ses_destroy(Hunspell* checker) {
  delete checker;
}

/* The dictionary's character set name (the affix file's SET, "ISO8859-1" by default). */
SES_EXPORT const char* ses_encoding(Hunspell* checker) {
  return checker->get_dict_encoding().c_str();
}

/* 1 when `word` is correct, else 0. */
SES_EXPORT int ses_spell(Hunspell* checker, const char* word) {
  return checker->spell(std::string(word)) ? 1 : 0;
}

/* Checks `count` words stored one after the other, each NUL-terminated, and writes one byte per
 * word to `results` (1 correct, 0 misspelled): one call for a whole text. */
SES_EXPORT void ses_spell_many(Hunspell* checker, const char* words, int count,
                               unsigned char* results) {
  std::string word;
  for (int i = 0; i < count; ++i) {
    size_t length = strlen(words);
    word.assign(words, length);
    results[i] = checker->spell(word) ? 1 : 0;
    words += length + 1;
  }
}

/* Hunspell's suggestions for `word` as one malloc'ed block of NUL-terminated strings (free it
 * with ses_free); `*count` receives how many. NULL with *count = 0 when there are none. */
SES_EXPORT char* ses_suggest(Hunspell* checker, const char* word, int* count) {
  std::vector<std::string> list = checker->suggest(std::string(word));
  *count = static_cast<int>(list.size());
  if (list.empty()) return NULL;
  size_t size = 0;
  for (size_t i = 0; i < list.size(); ++i) size += list[i].size() + 1;
  char* block = static_cast<char*>(malloc(size));
  if (!block) {
    *count = 0;
    return NULL;
  }
  char* at = block;
  for (size_t i = 0; i < list.size(); ++i) {
    memcpy(at, list[i].c_str(), list[i].size() + 1);
    at += list[i].size() + 1;
  }
  return block;
}

SES_EXPORT void* ses_malloc(size_t size) {
  return malloc(size);
}

SES_EXPORT void ses_free(void* pointer) {
  free(pointer);
}
