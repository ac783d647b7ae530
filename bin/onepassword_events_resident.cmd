@echo off
rem Launcher of the onepassword_events_resident modular input (TA-1password-events) on Windows.
rem
rem The resident kind is the same input run as one long-running process for every stanza
rem (use_single_instance): it names its kind in the environment and runs onepassword_events.cmd,
rem which starts node with launcher\parent-watch.js, in this same cmd.exe.
setlocal DisableDelayedExpansion
set "ONEPASSWORD_EVENTS_KIND=resident"
call "%~dp0onepassword_events.cmd" %*
exit /b %ERRORLEVEL%
