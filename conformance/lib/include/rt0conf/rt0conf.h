/* rt0conf.h: the host-side conformance library, all of it. */
#ifndef RT0CONF_H
#define RT0CONF_H

#include "rt0conf/arches.h"
#include "rt0conf/elfinfo.h"
#include "rt0conf/probe.h"
#include "rt0conf/trace.h"

#endif
