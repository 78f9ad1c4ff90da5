#pragma once
namespace legacy_io { void Touch(); }
