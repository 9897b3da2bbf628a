/* Everything an application usually needs, in one include. */
#ifndef MG_MG_H
#define MG_MG_H

#include <mg/args.h>
#include <mg/buf.h>
#include <mg/console.h>
#include <mg/error.h>
#include <mg/exit.h>
#include <mg/fiber.h>
#include <mg/ipaddr.h>
#include <mg/log.h>
#include <mg/mclock.h>
#include <mg/pclock.h>
#include <mg/random.h>
#include <mg/time.h>

#endif
