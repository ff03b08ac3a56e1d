/* @ses replacement for hunspell's filemgr.hxx: the affix and word files are read from memory
 * buffers registered by ses_hunspell.cxx instead of from disk, so the WebAssembly module needs
 * no file system (and no iostreams). Same class name and public methods as hunspell 1.7.1. */
#ifndef FILEMGR_HXX_
#define FILEMGR_HXX_

#include <stddef.h>
#include <string>

/* Registers the bytes FileMgr returns for `name` (not copied; they must outlive the readers). */
void ses_register_file(const char* name, const char* data, size_t length);
/* Forgets every registered buffer. */
void ses_clear_files();

class FileMgr {
 private:
  FileMgr(const FileMgr&);
  FileMgr& operator=(const FileMgr&);

 protected:
  const char* data;
  size_t length;
  size_t pos;
  int linenum;

 public:
  FileMgr(const char* filename, const char* key = NULL);
  ~FileMgr();
  bool getline(std::string&);
  int getlinenum();
};
#endif
