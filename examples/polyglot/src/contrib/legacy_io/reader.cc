#include "reader.h"
namespace legacy_io { void Touch() {} }
