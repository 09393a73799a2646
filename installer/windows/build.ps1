<#
.SYNOPSIS
  Builds the eservice-desktop MSI on Windows: PyInstaller freeze, WinSW service wrapper, WiX 3.

.DESCRIPTION
  1. A virtualenv (.venv-win) with requirements.lock and the project.
  2. Qt translations compiled (resources/translations/*.ts -> .qm).
  3. PyInstaller with installer/eservice-desktop.spec -> dist\eservice-desktop\
     (eservice-desktop.exe: console, CLI and sync service; eservice-desktop-gui.exe: windowed).
  4. WinSW (the Windows service wrapper for `eservice-desktop sync run`) downloaded, or taken
     from -WinSWPath.
  5. heat.exe harvests dist\eservice-desktop\_internal into the Payload component group;
     candle/light build build\eservice-desktop-VERSION.msi from installer\windows\eservice-desktop.wxs.
  The same .wxs is checked on Linux by `make msi-check` (wixl + msiinfo).

.EXAMPLE
  ./installer/windows/build.ps1 -WinSWUrl https://github.com/winsw/winsw/releases/download/v2.12.0/WinSW-x64.exe
#>
param(
  [string]$WinSWUrl = "https://github.com/winsw/winsw/releases/download/v2.12.0/WinSW-x64.exe",
  [string]$WinSWPath = "",
  [string]$Python = "python"
)
$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest
$root = Resolve-Path (Join-Path $PSScriptRoot "..\..")
Set-Location $root
$timer = [Diagnostics.Stopwatch]::StartNew()

function Invoke-Checked([string]$exe, [string[]]$arguments) {
  & $exe @arguments
  if ($LASTEXITCODE -ne 0) { throw "$exe failed with exit code $LASTEXITCODE" }
}

# 1. virtualenv
if (-not (Test-Path .venv-win\Scripts\python.exe)) { Invoke-Checked $Python @("-m", "venv", ".venv-win") }
$py = Resolve-Path .venv-win\Scripts\python.exe
Invoke-Checked $py @("-m", "pip", "install", "-q", "--upgrade", "pip")
Invoke-Checked $py @("-m", "pip", "install", "-q", "-r", "requirements.lock")
Invoke-Checked $py @("-m", "pip", "install", "-q", "--no-deps", "-e", ".")
$version = (& $py -c "import eservice_desktop; print(eservice_desktop.__version__)").Trim()

# 2. translations
$lrelease = Join-Path (Split-Path $py) "pyside6-lrelease.exe"
Get-ChildItem resources\translations\*.ts -ErrorAction SilentlyContinue | ForEach-Object {
  Invoke-Checked $lrelease @("-silent", $_.FullName, "-qm", ($_.FullName -replace "\.ts$", ".qm"))
}

# 3. freeze
Invoke-Checked $py @("-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
  "--distpath", "dist", "--workpath", "build\pyinstaller", "installer\eservice-desktop.spec")
$frozen = Resolve-Path dist\eservice-desktop
& "$frozen\eservice-desktop.exe" --version
if ($LASTEXITCODE -ne 0) { throw "the frozen program does not start" }

# 4. service wrapper
New-Item -ItemType Directory -Force build\msi | Out-Null
$winsw = Join-Path $root "build\msi\eservice-sync-service.exe"
if ($WinSWPath) { Copy-Item $WinSWPath $winsw -Force }
elseif (-not (Test-Path $winsw)) { Invoke-WebRequest -Uri $WinSWUrl -OutFile $winsw -UseBasicParsing }
Write-Host "WinSW sha256: $((Get-FileHash $winsw -Algorithm SHA256).Hash)"

# 5. WiX 3
$wixBin = if ($env:WIX) { Join-Path $env:WIX "bin" } else { Split-Path (Get-Command candle.exe).Source }
$heat = Join-Path $wixBin "heat.exe"; $candle = Join-Path $wixBin "candle.exe"; $light = Join-Path $wixBin "light.exe"
Invoke-Checked $heat @("dir", "$frozen\_internal", "-nologo", "-cg", "Payload", "-dr", "INSTALLDIR",
  "-var", "var.SourceDir", "-ag", "-sfrag", "-sreg", "-scom", "-out", "build\msi\payload.wxs")
$defines = @("-dVersion=$version", "-dWixl=0", "-dSourceDir=$frozen\_internal",
  "-dExeSource=$frozen\eservice-desktop.exe", "-dGuiSource=$frozen\eservice-desktop-gui.exe",
  "-dWinSWSource=$winsw", "-dWinSWConfig=$root\installer\windows\eservice-sync-service.xml",
  "-dIconSource=$root\installer\windows\eservice-desktop.ico")
Invoke-Checked $candle (@("-nologo", "-arch", "x64", "-out", "build\msi\") + $defines +
  @("installer\windows\eservice-desktop.wxs", "build\msi\payload.wxs"))
$msi = "build\eservice-desktop-$version.msi"
Invoke-Checked $light @("-nologo", "-sval", "-out", $msi,
  "build\msi\eservice-desktop.wixobj", "build\msi\payload.wixobj")
Write-Host ("MSI {0}: {1:N0} MB in {2:N0} s" -f $msi, ((Get-Item $msi).Length / 1MB), $timer.Elapsed.TotalSeconds)
