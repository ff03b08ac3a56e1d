/* @ses replacement for hunspell's filemgr.cxx: lines come from the registered memory buffers.
 * getline keeps std::getline's contract (the '\n' is dropped, a final line without one is
 * still returned, a '\r' stays for hunspell's own trimming). */
#include <stdio.h>
#include <string.h>

#include <map>

#include "filemgr.hxx"

struct SesFile {
  const char* data;
  size_t length;
};

static std::map<std::string, SesFile>& ses_files() {
  static std::map<std::string, SesFile> files;
  return files;
}

void ses_register_file(const char* name, const char* data, size_t length) {
  SesFile file = {data, length};
  ses_files()[name] = file;
}

void ses_clear_files() {
  ses_files().clear();
}

FileMgr::FileMgr(const char* file, const char*) : data(NULL), length(0), pos(0), linenum(0) {
  if (!file) return;
  std::map<std::string, SesFile>::const_iterator found = ses_files().find(file);
  if (found == ses_files().end()) {
    fprintf(stderr, "error: %s: cannot open\n", file);
    return;
  }
  data = found->second.data;
  length = found->second.length;
}

FileMgr::~FileMgr() {}

bool FileMgr::getline(std::string& dest) {
  if (!data || pos >= length) return false;
  const char* start = data + pos;
  const char* newline = static_cast<const char*>(memchr(start, '\n', length - pos));
  size_t end = newline ? static_cast<size_t>(newline - data) : length;
  dest.assign(start, end - pos);
  pos = newline ? end + 1 : length;
  ++linenum;
  return true;
}

int FileMgr::getlinenum() {
  return linenum;
}
