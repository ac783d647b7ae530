@echo off
rem Launcher of the onepassword_events modular input (TA-1password-events) on Windows.
rem
rem splunkd runs bin\onepassword_events.cmd with --scheme, --validate-arguments or no argument.
rem This runs the Node runtime this package carries on the bundled input; the arguments, stdin,
rem stdout, stderr and the exit code pass through untouched.
rem
rem cmd.exe has no exec: node.exe runs as its child. splunkd stops an input on Windows by
rem terminating cmd.exe, and Windows never ends the children of a terminated process, so node is
rem started with launcher\parent-watch.js, which stops the input once cmd.exe is gone.
rem
rem It never falls back to another node (PATH, the Splunk bin folder): the input is built
rem and tested for the pinned runtime only. If this package has no runtime for the host, it prints
rem one FATAL line (splunkd logs it in splunkd.log) saying which package to install, and exits 1.
rem No delayed expansion: arguments containing ! must reach node unchanged.
setlocal DisableDelayedExpansion
set "BIN_DIR=%~dp0"
set "PLATFORM="
rem A 32-bit cmd.exe on 64-bit Windows reports x86 and names the real machine in ARCHITEW6432.
if /i "%PROCESSOR_ARCHITECTURE%"=="AMD64" set "PLATFORM=windows-x86_64"
if /i "%PROCESSOR_ARCHITEW6432%"=="AMD64" set "PLATFORM=windows-x86_64"
if not defined PLATFORM goto unsupported_host
set "NODE=%BIN_DIR%runtime\%PLATFORM%\node.exe"
if not exist "%NODE%" goto no_runtime
if not exist "%BIN_DIR%app\onepassword_events.js" goto no_script
if not exist "%BIN_DIR%launcher\parent-watch.js" goto no_script
"%NODE%" --max-semi-space-size=4 -r "%BIN_DIR%launcher\parent-watch.js" "%BIN_DIR%app\onepassword_events.js" %*
exit /b %ERRORLEVEL%

:unsupported_host
>&2 echo FATAL TA-1password-events: no package for this host (Windows %PROCESSOR_ARCHITECTURE%); packages exist for linux-x86_64, linux-aarch64 and windows-x86_64
exit /b 1

:no_runtime
call :package_name
>&2 echo FATAL TA-1password-events: this package carries no Node runtime for %PLATFORM%; install %PACKAGE% instead
exit /b 1

:no_script
call :package_name
>&2 echo FATAL TA-1password-events: part of the input is missing under %BIN_DIR%; reinstall %PACKAGE%
exit /b 1

:package_name
rem The release version from default\app.conf, only to name the right package in a FATAL message.
rem for /f reads the file itself: no findstr, whose options differ between Windows and Wine.
set "VERSION=^<version^>"
for /f "usebackq eol=# tokens=1,* delims== " %%a in ("%BIN_DIR%..\default\app.conf") do if /i "%%a"=="version" set "VERSION=%%b"
set "PACKAGE=TA-1password-events-%VERSION%-%PLATFORM%.spl"
exit /b 0
