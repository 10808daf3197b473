// HandlerRegistry is declared in handler.h, beside the Handler it holds; this header is
// where readers look for it by name.
#pragma once

#include "kafka/server/handler.h"
