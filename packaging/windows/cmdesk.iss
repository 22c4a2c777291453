; Inno Setup 6 script: installs the PyInstaller folder dist\cmdesk into Program Files.
;
;   iscc /DAppVersion=0.1.0 packaging\windows\cmdesk.iss      (from the repository root)
;
; Writes dist\cmdesk-<version>-windows-setup.exe. See packaging\README.md for the whole build.
;
; User data never goes beside the program. cmdesk finds its vault and settings with
; platformdirs, per Windows user, in %LOCALAPPDATA%\cmdesk (C:\Users\<name>\AppData\Local\
; cmdesk): not roaming, so an encrypted vault is never copied to a server at logon. This
; installer creates nothing there, and the uninstaller deletes nothing there: uninstalling or
; upgrading the program must never take a child's records with it. A data manager removes a
; vault deliberately, after a backup (cmdesk backup -o DIR).

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=0.1.0 packaging\windows\cmdesk.iss
#endif

#define Bundle "..\..\dist\cmdesk"

[Setup]
; Never change AppId: it is how Windows recognises an upgrade of the same program.
AppId={{CFD0455E-F900-47F3-BE70-6E62A7A8703C}
AppName=cmdesk
AppVersion={#AppVersion}
AppVerName=cmdesk {#AppVersion}
AppPublisher=cmdesk developers
; Program Files, installed by an administrator: field workers (standard accounts) can run the
; program but not replace its files.
DefaultDirName={autopf}\cmdesk
DisableDirPage=yes
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Windows 10 or later (PySide6 6.x and Python 3.11 need it).
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=cmdesk-{#AppVersion}-windows-setup
SetupIconFile=..\..\build\cmdesk.ico
UninstallDisplayIcon={app}\cmdesk-gui.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; The program must not be running while its files are replaced.
CloseApplications=yes
RestartApplications=no

[Languages]
; Inno Setup ships no Thai translation of its own wizard; the app itself is Thai and English.
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
; The whole one-folder bundle. Timestamps are kept as built (Inno Setup's default): the app
; prefers a compiled .mo catalog over its .po only when the .mo is at least as new.
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the bundle completely, so no module of an older version lingers.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\cmdesk"; Filename: "{app}\cmdesk-gui.exe"
Name: "{autodesktop}\cmdesk"; Filename: "{app}\cmdesk-gui.exe"; Tasks: desktopicon
; For data managers: a command prompt in the program folder, for `cmdesk user add`,
; `cmdesk recovery-key new`, `cmdesk check` and `cmdesk-selfcheck`, without touching PATH.
Name: "{autoprograms}\cmdesk command prompt"; Filename: "{cmd}"; Parameters: "/k cd /d ""{app}"" && cmdesk --help"; WorkingDir: "{app}"

[Run]
Filename: "{app}\cmdesk-gui.exe"; Description: "{cm:LaunchProgram,cmdesk}"; Flags: nowait postinstall skipifsilent unchecked

[UninstallDelete]
; Only the program folder (files the program may have left there, such as __pycache__).
; Never {localappdata}\cmdesk: that is the user's encrypted vault.
Type: filesandordirs; Name: "{app}"
