#!/bin/sh
# A quiet stand-in worker for the scale bench: draws a prompt, answers each line it is given, and otherwise waits.
printf 'quiet stand-in worker\n> '
while read -r line; do printf 'noted\n> '; done
