<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="id_ID">
<context>
    <name>AccountsDialog</name>
    <message>
        <source>Accounts</source>
        <translation>Akun</translation>
    </message>
    <message>
        <source>operator</source>
        <translation>operator</translation>
    </message>
    <message>
        <source>supervisor</source>
        <translation>supervisor</translation>
    </message>
    <message>
        <source>admin</source>
        <translation>admin</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nama</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Peran</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Add account</source>
        <translation>Tambah akun</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>Nonaktifkan</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>Aktifkan</translation>
    </message>
    <message>
        <source>Reset password</source>
        <translation>Reset kata sandi</translation>
    </message>
    <message>
        <source>The password above; the account must change it at its next log-in</source>
        <translation>Kata sandi di atas; pemilik akun wajib menggantinya saat masuk berikutnya</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Kata sandi</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>nonaktif</translation>
    </message>
    <message>
        <source>must change the password</source>
        <translation>wajib ganti kata sandi</translation>
    </message>
    <message>
        <source>active</source>
        <translation>aktif</translation>
    </message>
    <message>
        <source>Account added</source>
        <translation>Akun ditambahkan</translation>
    </message>
    <message>
        <source>Password reset: it must be changed at the next log-in</source>
        <translation>Kata sandi direset: wajib diganti saat masuk berikutnya</translation>
    </message>
    <message>
        <source>Saved</source>
        <translation>Tersimpan</translation>
    </message>
</context>
<context>
    <name>AddressUnitsField</name>
    <message>
        <source>Gang</source>
        <translation>Gang</translation>
    </message>
    <message>
        <source>RT</source>
        <translation>RT</translation>
    </message>
    <message>
        <source>RW</source>
        <translation>RW</translation>
    </message>
</context>
<context>
    <name>AgenciesDialog</name>
    <message>
        <source>Agencies</source>
        <translation>Instansi</translation>
    </message>
    <message>
        <source> min</source>
        <translation> menit</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Aktif</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nama</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Jenis</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Telepon</translation>
    </message>
    <message>
        <source>Radio</source>
        <translation>Radio</translation>
    </message>
    <message>
        <source>WhatsApp</source>
        <translation>WhatsApp</translation>
    </message>
    <message>
        <source>Categories</source>
        <translation>Kategori</translation>
    </message>
    <message>
        <source>Kecamatan (none: all)</source>
        <translation>Kecamatan (tidak diisi: semua)</translation>
    </message>
    <message>
        <source>Acknowledge within</source>
        <translation>Dikonfirmasi dalam</translation>
    </message>
    <message>
        <source>Arrive within</source>
        <translation>Tiba di lokasi dalam</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Baru</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Simpan</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Tutup</translation>
    </message>
    <message>
        <source>Only a supervisor can edit the agencies</source>
        <translation>Hanya supervisor yang dapat mengubah data instansi</translation>
    </message>
    <message>
        <source>A supervisor approves changes to the agencies</source>
        <translation>Perubahan data instansi perlu persetujuan supervisor</translation>
    </message>
    <message>
        <source>A supervisor must approve this</source>
        <translation>Ini perlu persetujuan supervisor</translation>
    </message>
    <message>
        <source>Check: %1</source>
        <translation>Periksa: %1</translation>
    </message>
    <message>
        <source>another field</source>
        <translation>kolom lain</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>Tidak tersimpan: %1</translation>
    </message>
    <message>
        <source>Saved</source>
        <translation>Tersimpan</translation>
    </message>
</context>
<context>
    <name>CallLogModel</name>
    <message>
        <source>Time</source>
        <translation>Waktu</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>Nomor</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Jenis panggilan</translation>
    </message>
    <message>
        <source>Incident</source>
        <translation>Kejadian</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>Operator</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Durasi</translation>
    </message>
</context>
<context>
    <name>CallLogPanel</name>
    <message>
        <source>Search number, name or text (Ctrl+F)</source>
        <translation>Cari nomor, nama atau teks (Ctrl+F)</translation>
    </message>
    <message>
        <source>All outcomes</source>
        <translation>Semua jenis panggilan</translation>
    </message>
    <message>
        <source>All categories</source>
        <translation>Semua kategori</translation>
    </message>
    <message>
        <source>Dates</source>
        <translation>Tanggal</translation>
    </message>
</context>
<context>
    <name>CallbackField</name>
    <message>
        <source>if not the caller ID</source>
        <translation>jika bukan nomor penelepon</translation>
    </message>
</context>
<context>
    <name>CallerHistoryView</name>
    <message>
        <source>Incident {number} · {category} · {status} · {when}</source>
        <translation>Kejadian {number} · {category} · {status} · {when}</translation>
    </message>
    <message>
        <source>Call {when} · {outcome}</source>
        <translation>Panggilan {when} · {outcome}</translation>
    </message>
    <message>
        <source>First call from this number</source>
        <translation>Panggilan pertama dari nomor ini</translation>
    </message>
</context>
<context>
    <name>ConflictsDialog</name>
    <message>
        <source>Sync conflicts</source>
        <translation>Konflik sinkronisasi</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>Data</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Kolom</translation>
    </message>
    <message>
        <source>Older value</source>
        <translation>Nilai lama</translation>
    </message>
    <message>
        <source>Newer value (shown)</source>
        <translation>Nilai baru (ditampilkan)</translation>
    </message>
    <message>
        <source>Detected</source>
        <translation>Terdeteksi</translation>
    </message>
    <message>
        <source>Keep the newer value</source>
        <translation>Pertahankan nilai baru</translation>
    </message>
    <message>
        <source>Take the older value</source>
        <translation>Pakai nilai lama</translation>
    </message>
    <message>
        <source>No open conflicts</source>
        <translation>Tidak ada konflik terbuka</translation>
    </message>
    <message>
        <source>Select a conflict first</source>
        <translation>Pilih konflik dulu</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>Diselesaikan</translation>
    </message>
    <message>
        <source>A supervisor must approve this</source>
        <translation>Ini perlu persetujuan supervisor</translation>
    </message>
</context>
<context>
    <name>DeskStatusBar</name>
    <message>
        <source>Desk {code}</source>
        <translation>Meja {code}</translation>
    </message>
    <message>
        <source>Local only — no server configured</source>
        <translation>Hanya lokal — server belum diatur</translation>
    </message>
    <message>
        <source>Last incident: {number}</source>
        <translation>Kejadian terakhir: {number}</translation>
    </message>
    <message>
        <source>On duty: {name}</source>
        <translation>Petugas jaga: {name}</translation>
    </message>
    <message>
        <source>No operator on duty</source>
        <translation>Tidak ada petugas jaga</translation>
    </message>
    <message>
        <source>SIP</source>
        <translation>SIP</translation>
    </message>
    <message>
        <source>Simulator</source>
        <translation>Simulator</translation>
    </message>
    <message>
        <source>Manual entry</source>
        <translation>Input manual</translation>
    </message>
    <message>
        <source>not ready</source>
        <translation>belum siap</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>Terhubung ke server</translation>
    </message>
    <message>
        <source>Joined — not yet synced</source>
        <translation>Tergabung — belum sinkron</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Tidak terhubung ke server</translation>
    </message>
    <message>
        <source>{n} changes waiting</source>
        <translation>{n} perubahan belum terkirim</translation>
    </message>
    <message>
        <source>last sync {t}</source>
        <translation>sinkronisasi terakhir {t}</translation>
    </message>
    <message>
        <source>{n} conflicts</source>
        <translation>{n} konflik</translation>
    </message>
    <message>
        <source>{n} changes refused — Desk → Sync problems</source>
        <translation>{n} perubahan ditolak — Sistem → Masalah sinkronisasi</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>The desk's data cannot be written</source>
        <translation>Data meja tidak dapat ditulis</translation>
    </message>
    <message>
        <source>The disk is full</source>
        <translation>Disk penuh</translation>
    </message>
    <message>
        <source>The data folder is read-only</source>
        <translation>Folder data hanya dapat dibaca</translation>
    </message>
    <message>
        <source>The data file is damaged or is not a desk's data</source>
        <translation>Berkas data rusak atau bukan data meja</translation>
    </message>
    <message>
        <source>The desk is shutting down</source>
        <translation>Meja sedang ditutup</translation>
    </message>
    <message>
        <source>The data file is in use by another program</source>
        <translation>Berkas data sedang dipakai program lain</translation>
    </message>
    <message>
        <source>No desk data in that folder</source>
        <translation>Tidak ada data meja di folder itu</translation>
    </message>
    <message>
        <source>The key of the desk's data is missing (key file or key medium)</source>
        <translation>Kunci data meja tidak ada (berkas kunci atau media kunci)</translation>
    </message>
    <message>
        <source>The key file does not open the desk's data</source>
        <translation>Berkas kunci tidak dapat membuka data meja</translation>
    </message>
    <message>
        <source>The server's certificate is not trusted — sync refused</source>
        <translation>Sertifikat server tidak tepercaya — sinkronisasi ditolak</translation>
    </message>
    <message>
        <source>Server not reachable</source>
        <translation>Server tidak dapat dihubungi</translation>
    </message>
    <message>
        <source>Sync failed</source>
        <translation>Sinkronisasi gagal</translation>
    </message>
    <message>
        <source>The server address is not this center's hub — check the desk's settings</source>
        <translation>Alamat server bukan hub pusat ini — periksa pengaturan desk</translation>
    </message>
    <message>
        <source>PC clock wrong — sync refused</source>
        <translation>Jam komputer salah — sinkronisasi ditolak</translation>
    </message>
    <message>
        <source>Sync refused: desk not enrolled</source>
        <translation>Sinkronisasi ditolak: meja belum terdaftar</translation>
    </message>
    <message>
        <source>Sync refused: this desk may not do that</source>
        <translation>Sinkronisasi ditolak: meja ini tidak berwenang</translation>
    </message>
    <message>
        <source>Sync refused by the server</source>
        <translation>Sinkronisasi ditolak oleh server</translation>
    </message>
    <message>
        <source>The region pack is invalid</source>
        <translation>Paket wilayah tidak valid</translation>
    </message>
    <message>
        <source>No region pack</source>
        <translation>Paket wilayah belum ada</translation>
    </message>
    <message>
        <source>The audio system is not installed on this PC</source>
        <translation>Sistem audio belum terpasang di komputer ini</translation>
    </message>
    <message>
        <source>No audio device</source>
        <translation>Tidak ada perangkat audio</translation>
    </message>
    <message>
        <source>The ring tone device cannot be opened</source>
        <translation>Perangkat nada dering tidak dapat dibuka</translation>
    </message>
    <message>
        <source>The microphone cannot be opened</source>
        <translation>Mikrofon tidak dapat dibuka</translation>
    </message>
    <message>
        <source>The audio device was disconnected</source>
        <translation>Perangkat audio terputus</translation>
    </message>
    <message>
        <source>Alert sound unavailable: no audio device</source>
        <translation>Suara peringatan tidak tersedia: tidak ada perangkat audio</translation>
    </message>
    <message>
        <source>SIP not registered</source>
        <translation>SIP belum terdaftar</translation>
    </message>
    <message>
        <source>SIP restarting</source>
        <translation>SIP sedang dimulai ulang</translation>
    </message>
    <message>
        <source>SIP not started</source>
        <translation>SIP belum berjalan</translation>
    </message>
    <message>
        <source>SIP stopped</source>
        <translation>SIP berhenti</translation>
    </message>
    <message>
        <source>The SIP settings are incomplete or wrong</source>
        <translation>Pengaturan SIP belum lengkap atau salah</translation>
    </message>
    <message>
        <source>SIP could not start</source>
        <translation>SIP gagal dijalankan</translation>
    </message>
    <message>
        <source>This call has no recording</source>
        <translation>Panggilan ini tidak punya rekaman</translation>
    </message>
    <message>
        <source>The recording does not match the SHA-256 kept with the call</source>
        <translation>Rekaman tidak cocok dengan SHA-256 yang tersimpan bersama panggilan</translation>
    </message>
    <message>
        <source>The recording file cannot be read</source>
        <translation>Berkas rekaman tidak dapat dibaca</translation>
    </message>
    <message>
        <source>The recording could not be written completely</source>
        <translation>Rekaman tidak dapat ditulis seluruhnya</translation>
    </message>
    <message>
        <source>Required</source>
        <translation>Wajib diisi</translation>
    </message>
    <message>
        <source>Unknown category</source>
        <translation>Kategori tidak dikenal</translation>
    </message>
    <message>
        <source>Unknown priority</source>
        <translation>Prioritas tidak dikenal</translation>
    </message>
    <message>
        <source>Unknown call outcome</source>
        <translation>Jenis panggilan tidak dikenal</translation>
    </message>
    <message>
        <source>Unknown role</source>
        <translation>Peran tidak dikenal</translation>
    </message>
    <message>
        <source>Unknown field</source>
        <translation>Isian tidak dikenal</translation>
    </message>
    <message>
        <source>Coordinates out of range</source>
        <translation>Koordinat di luar jangkauan</translation>
    </message>
    <message>
        <source>Must be a whole number</source>
        <translation>Harus bilangan bulat</translation>
    </message>
    <message>
        <source>Must be a number</source>
        <translation>Harus berupa angka</translation>
    </message>
    <message>
        <source>Too long</source>
        <translation>Terlalu panjang</translation>
    </message>
    <message>
        <source>A value does not fit its field</source>
        <translation>Nilai tidak sesuai dengan kolomnya</translation>
    </message>
    <message>
        <source>Not a valid phone number</source>
        <translation>Nomor telepon tidak valid</translation>
    </message>
    <message>
        <source>Not found</source>
        <translation>Tidak ditemukan</translation>
    </message>
    <message>
        <source>The status cannot move back</source>
        <translation>Status tidak dapat mundur</translation>
    </message>
    <message>
        <source>Unknown incident status</source>
        <translation>Status kejadian tidak dikenal</translation>
    </message>
    <message>
        <source>The incident is still open</source>
        <translation>Kejadian masih terbuka</translation>
    </message>
    <message>
        <source>Give the reason for reopening</source>
        <translation>Isi alasan membuka kembali</translation>
    </message>
    <message>
        <source>Give the reason</source>
        <translation>Isi alasannya</translation>
    </message>
    <message>
        <source>These incidents cannot be merged</source>
        <translation>Kejadian-kejadian ini tidak dapat digabungkan</translation>
    </message>
    <message>
        <source>The call has already ended</source>
        <translation>Panggilan sudah berakhir</translation>
    </message>
    <message>
        <source>The incident is closed</source>
        <translation>Kejadian sudah ditutup</translation>
    </message>
    <message>
        <source>Enter the disposition first</source>
        <translation>Isi hasil akhir penanganan dulu</translation>
    </message>
    <message>
        <source>The agency's feedback is missing</source>
        <translation>Laporan tindak lanjut instansi belum ada</translation>
    </message>
    <message>
        <source>Give the reason for the override</source>
        <translation>Isi alasan pengecualian</translation>
    </message>
    <message>
        <source>The referral is closed</source>
        <translation>Penerusan sudah ditutup</translation>
    </message>
    <message>
        <source>The referral is still open</source>
        <translation>Penerusan masih terbuka</translation>
    </message>
    <message>
        <source>This referral was escalated: follow the new one</source>
        <translation>Penerusan ini sudah dieskalasi: ikuti penerusan yang baru</translation>
    </message>
    <message>
        <source>Unknown referral step</source>
        <translation>Langkah penerusan tidak dikenal</translation>
    </message>
    <message>
        <source>That step is already past</source>
        <translation>Langkah itu sudah lewat</translation>
    </message>
    <message>
        <source>That step is already recorded</source>
        <translation>Langkah itu sudah tercatat</translation>
    </message>
    <message>
        <source>Choose another agency</source>
        <translation>Pilih instansi lain</translation>
    </message>
    <message>
        <source>No operator on duty</source>
        <translation>Tidak ada petugas jaga</translation>
    </message>
    <message>
        <source>The receiving operator has no account</source>
        <translation>Petugas penerima belum punya akun</translation>
    </message>
    <message>
        <source>Hand the shift over to another operator</source>
        <translation>Serahkan shift ke petugas lain</translation>
    </message>
    <message>
        <source>The shift has already ended</source>
        <translation>Shift sudah berakhir</translation>
    </message>
    <message>
        <source>Already resolved</source>
        <translation>Sudah diselesaikan</translation>
    </message>
    <message>
        <source>This conflict cannot be resolved here</source>
        <translation>Konflik ini tidak dapat diselesaikan di sini</translation>
    </message>
    <message>
        <source>Unknown resolution</source>
        <translation>Pilihan untuk konflik tidak dikenal</translation>
    </message>
    <message>
        <source>Only a supervisor may do this</source>
        <translation>Hanya supervisor yang boleh melakukan ini</translation>
    </message>
    <message>
        <source>Only an admin may do this</source>
        <translation>Hanya admin yang boleh melakukan ini</translation>
    </message>
    <message>
        <source>Wrong name or password</source>
        <translation>Nama atau kata sandi salah</translation>
    </message>
    <message>
        <source>Too many failed log-ins: the account is locked for 10 minutes</source>
        <translation>Terlalu banyak gagal masuk: akun dikunci selama 10 menit</translation>
    </message>
    <message>
        <source>This account is disabled</source>
        <translation>Akun ini dinonaktifkan</translation>
    </message>
    <message>
        <source>Choose a new password to continue</source>
        <translation>Buat kata sandi baru untuk melanjutkan</translation>
    </message>
    <message>
        <source>The password needs at least 8 characters</source>
        <translation>Kata sandi minimal 8 karakter</translation>
    </message>
    <message>
        <source>An account with this name exists</source>
        <translation>Sudah ada akun dengan nama ini</translation>
    </message>
    <message>
        <source>The settings file cannot be read; the defaults are used</source>
        <translation>Berkas pengaturan tidak dapat dibaca; pengaturan bawaan dipakai</translation>
    </message>
    <message>
        <source>The settings cannot be saved</source>
        <translation>Pengaturan tidak dapat disimpan</translation>
    </message>
    <message>
        <source>Unexpected error — the desk keeps working; the details are in the desk log</source>
        <translation>Terjadi kesalahan tidak terduga — meja tetap berjalan; rinciannya ada di log meja</translation>
    </message>
</context>
<context>
    <name>EventTimeField</name>
    <message>
        <source>hh:mm (empty: not known)</source>
        <translation>jj:mm (kosong: belum diketahui)</translation>
    </message>
</context>
<context>
    <name>FloorBinding</name>
    <message>
        <source>Acknowledge the supervisor's message</source>
        <translation>Tanda terima pesan supervisor</translation>
    </message>
    <message>
        <source>Break</source>
        <translation>Istirahat</translation>
    </message>
    <message>
        <source>Floor</source>
        <translation>Lantai operator</translation>
    </message>
</context>
<context>
    <name>FloorBoard</name>
    <message>
        <source>Ready</source>
        <translation>Siap</translation>
    </message>
    <message>
        <source>Ringing</source>
        <translation>Panggilan masuk</translation>
    </message>
    <message>
        <source>On a call</source>
        <translation>Sedang menerima panggilan</translation>
    </message>
    <message>
        <source>Wrap-up</source>
        <translation>Menyelesaikan catatan</translation>
    </message>
    <message>
        <source>Break</source>
        <translation>Istirahat</translation>
    </message>
    <message>
        <source>Locked</source>
        <translation>Terkunci</translation>
    </message>
    <message>
        <source>Nobody logged in</source>
        <translation>Belum ada yang masuk</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Tidak terhubung</translation>
    </message>
    <message>
        <source>Ringing now</source>
        <translation>Panggilan masuk sekarang</translation>
    </message>
    <message>
        <source>Longest wait</source>
        <translation>Tunggu terlama</translation>
    </message>
    <message>
        <source>Calls today</source>
        <translation>Panggilan hari ini</translation>
    </message>
    <message>
        <source>Answered ≤ 10 s</source>
        <translation>Dijawab ≤ 10 dtk</translation>
    </message>
    <message>
        <source>Answered ≤ 15 s</source>
        <translation>Dijawab ≤ 15 dtk</translation>
    </message>
    <message>
        <source>Answered ≤ 20 s</source>
        <translation>Dijawab ≤ 20 dtk</translation>
    </message>
    <message>
        <source>Abandoned</source>
        <translation>Tidak terjawab</translation>
    </message>
    <message>
        <source>Prank + ghost</source>
        <translation>Iseng + ghost call</translation>
    </message>
    <message>
        <source>Open incidents P1/P2/P3/P4</source>
        <translation>Kejadian terbuka P1/P2/P3/P4</translation>
    </message>
    <message>
        <source>Overdue referrals</source>
        <translation>Penerusan lewat batas</translation>
    </message>
    <message>
        <source>Desk</source>
        <translation>Posisi</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>Operator</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>Sejak</translation>
    </message>
    <message>
        <source>Call</source>
        <translation>Panggilan</translation>
    </message>
    <message>
        <source>Ringing (longest)</source>
        <translation>Masuk (terlama)</translation>
    </message>
    <message>
        <source>Message to the desks</source>
        <translation>Pesan ke posisi operator</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Kirim</translation>
    </message>
    <message>
        <source>All desks</source>
        <translation>Semua posisi</translation>
    </message>
    <message>
        <source>The hub cannot be reached: the desks' states are not known</source>
        <translation>Hub tidak terjangkau: status posisi operator tidak diketahui</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Tidak diketahui</translation>
    </message>
    <message>
        <source>Service level: only {pct} of the last hour's calls answered within 15 s (target 90 %)</source>
        <translation>Tingkat layanan: hanya {pct} panggilan satu jam terakhir dijawab dalam 15 dtk (target 90 %)</translation>
    </message>
</context>
<context>
    <name>HandoverView</name>
    <message>
        <source>Start shift</source>
        <translation>Mulai shift</translation>
    </message>
    <message>
        <source>End shift and hand over</source>
        <translation>Akhiri shift dan serah terima</translation>
    </message>
    <message>
        <source>Notes for the next shift</source>
        <translation>Catatan untuk shift berikutnya</translation>
    </message>
    <message>
        <source>Hand over to</source>
        <translation>Serah terima ke</translation>
    </message>
    <message>
        <source>Open incidents</source>
        <translation>Kejadian terbuka</translation>
    </message>
    <message>
        <source>Overdue referrals</source>
        <translation>Penerusan lewat batas</translation>
    </message>
    <message>
        <source>Call back</source>
        <translation>Perlu dihubungi kembali</translation>
    </message>
    <message>
        <source>From the previous shift:</source>
        <translation>Dari shift sebelumnya:</translation>
    </message>
    <message>
        <source>(no notes)</source>
        <translation>(tanpa catatan)</translation>
    </message>
    <message>
        <source>(no earlier handover)</source>
        <translation>(belum ada serah terima sebelumnya)</translation>
    </message>
    <message>
        <source>morning shift (07-15)</source>
        <translation>shift pagi (07-15)</translation>
    </message>
    <message>
        <source>afternoon shift (15-23)</source>
        <translation>shift siang (15-23)</translation>
    </message>
    <message>
        <source>night shift (23-07)</source>
        <translation>shift malam (23-07)</translation>
    </message>
    <message>
        <source>Nobody is logged in</source>
        <translation>Belum ada petugas yang masuk</translation>
    </message>
    <message>
        <source>On duty: %1, shift since %2 · %3</source>
        <translation>Petugas jaga: %1, shift sejak %2 · %3</translation>
    </message>
    <message>
        <source>On duty: %1, logged in since %2 · %3</source>
        <translation>Petugas jaga: %1, masuk sejak %2 · %3</translation>
    </message>
    <message>
        <source>On duty: %1 · %2</source>
        <translation>Petugas jaga: %1 · %2</translation>
    </message>
    <message>
        <source>— choose —</source>
        <translation>— pilih —</translation>
    </message>
    <message>
        <source>Calls since %1: %2</source>
        <translation>Panggilan sejak %1: %2</translation>
    </message>
    <message>
        <source>red</source>
        <translation>merah</translation>
    </message>
    <message>
        <source>amber</source>
        <translation>kuning</translation>
    </message>
    <message>
        <source>%1 — %2 (%3 tries)</source>
        <translation>%1 — %2 (dicoba %3 kali)</translation>
    </message>
    <message>
        <source>Hand over to another operator</source>
        <translation>Serahkan ke petugas lain</translation>
    </message>
    <message>
        <source>That operator has no account</source>
        <translation>Petugas itu tidak punya akun</translation>
    </message>
    <message>
        <source>Cannot start the shift: %1</source>
        <translation>Tidak dapat memulai shift: %1</translation>
    </message>
    <message>
        <source>Choose who takes over the shift</source>
        <translation>Pilih petugas yang menerima shift</translation>
    </message>
    <message>
        <source>Cannot end the shift: %1</source>
        <translation>Tidak dapat mengakhiri shift: %1</translation>
    </message>
    <message>
        <source>Handover saved</source>
        <translation>Serah terima tersimpan</translation>
    </message>
</context>
<context>
    <name>IncidentDetail</name>
    <message>
        <source>Save changes (Ctrl+Enter)</source>
        <translation>Simpan perubahan (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>New note (Ctrl+N), Enter adds it</source>
        <translation>Catatan baru (Ctrl+N), Enter menambahkannya</translation>
    </message>
    <message>
        <source>Add note</source>
        <translation>Tambah catatan</translation>
    </message>
    <message>
        <source>Reason (for a status move, reopen or merge)</source>
        <translation>Alasan (untuk pindah status, buka kembali atau gabung)</translation>
    </message>
    <message>
        <source>Move status</source>
        <translation>Pindahkan status</translation>
    </message>
    <message>
        <source>Reopen</source>
        <translation>Buka kembali</translation>
    </message>
    <message>
        <source>Number of the incident to merge this one into</source>
        <translation>Nomor kejadian tujuan penggabungan kejadian ini</translation>
    </message>
    <message>
        <source>Merge</source>
        <translation>Gabungkan</translation>
    </message>
    <message>
        <source>Refer</source>
        <translation>Teruskan</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Kategori</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Prioritas</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>Lokasi</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Alamat</translation>
    </message>
    <message>
        <source>Landmark</source>
        <translation>Patokan</translation>
    </message>
    <message>
        <source>Caller name</source>
        <translation>Nama penelepon</translation>
    </message>
    <message>
        <source>Caller number</source>
        <translation>Nomor penelepon</translation>
    </message>
    <message>
        <source>Narrative</source>
        <translation>Kronologi</translation>
    </message>
    <message>
        <source>Casualties</source>
        <translation>Jumlah korban</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Catatan</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Alasan</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Merge into</source>
        <translation>Gabungkan ke</translation>
    </message>
    <message>
        <source>Refer to</source>
        <translation>Teruskan ke</translation>
    </message>
    <message>
        <source>Calls (Enter replays the recording)</source>
        <translation>Panggilan (Enter memutar rekamannya)</translation>
    </message>
    <message>
        <source>Referrals and their steps</source>
        <translation>Penerusan ke instansi dan tahapannya</translation>
    </message>
    <message>
        <source>Incident</source>
        <translation>Kejadian</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>Linimasa</translation>
    </message>
    <message>
        <source>Calls and referrals</source>
        <translation>Panggilan dan penerusan</translation>
    </message>
    <message>
        <source>Incident {number}</source>
        <translation>Kejadian {number}</translation>
    </message>
    <message>
        <source>since {when}</source>
        <translation>sejak {when}</translation>
    </message>
    <message>
        <source>merged into {number}</source>
        <translation>digabungkan ke {number}</translation>
    </message>
    <message>
        <source>includes {numbers}</source>
        <translation>mencakup {numbers}</translation>
    </message>
    <message>
        <source>No incident open</source>
        <translation>Tidak ada kejadian yang dibuka</translation>
    </message>
    <message>
        <source>F3: the incident list, Enter opens the selected incident</source>
        <translation>F3: daftar kejadian, Enter membuka kejadian yang dipilih</translation>
    </message>
    <message>
        <source>Sync conflict on {fields}: another desk changed it at the same time. Both values are kept; the newer one is shown until a supervisor decides (Desk → Sync conflicts).</source>
        <translation>Konflik sinkronisasi pada {fields}: meja lain mengubahnya pada saat yang sama. Kedua nilai disimpan; yang lebih baru ditampilkan sampai supervisor memutuskan (Sistem → Konflik sinkronisasi).</translation>
    </message>
    <message>
        <source>unknown number</source>
        <translation>nomor tidak dikenal</translation>
    </message>
    <message>
        <source>{when} · {number} · {outcome} · {who}</source>
        <translation>{when} · {number} · {outcome} · {who}</translation>
    </message>
    <message>
        <source>recorded</source>
        <translation>direkam</translation>
    </message>
    <message>
        <source>{agency}: {status} — {steps}</source>
        <translation>{agency}: {status} — {steps}</translation>
    </message>
    <message>
        <source>No device location for this incident</source>
        <translation>Tidak ada lokasi perangkat untuk kejadian ini</translation>
    </message>
    <message>
        <source>Replace location?</source>
        <translation>Ganti lokasi?</translation>
    </message>
    <message>
        <source>The location was already confirmed. Replace it with the new point?</source>
        <translation>Lokasi sudah dipastikan. Ganti dengan titik yang baru?</translation>
    </message>
    <message>
        <source>Kel. {name}</source>
        <translation>Kel. {name}</translation>
    </message>
    <message>
        <source>Desa {name}</source>
        <translation>Desa {name}</translation>
    </message>
    <message>
        <source>Kec. {name}</source>
        <translation>Kec. {name}</translation>
    </message>
    <message>
        <source>No location yet</source>
        <translation>Lokasi belum ada</translation>
    </message>
    <message>
        <source>Nothing changed</source>
        <translation>Tidak ada yang berubah</translation>
    </message>
    <message>
        <source>{fields} had been changed at another desk while you edited; your value is saved and the other is kept for a supervisor.</source>
        <translation>{fields} telah diubah di meja lain saat Anda mengedit; nilai Anda tersimpan dan nilai lainnya disimpan untuk supervisor.</translation>
    </message>
    <message>
        <source>Saved: {fields}</source>
        <translation>Tersimpan: {fields}</translation>
    </message>
    <message>
        <source>Not saved: {reason}. Everything typed stays here.</source>
        <translation>Tidak tersimpan: {reason}. Semua yang sudah diketik tetap di sini.</translation>
    </message>
    <message>
        <source>Note added</source>
        <translation>Catatan ditambahkan</translation>
    </message>
    <message>
        <source>Status moved to {status}</source>
        <translation>Status dipindahkan ke {status}</translation>
    </message>
    <message>
        <source>Incident reopened</source>
        <translation>Kejadian dibuka kembali</translation>
    </message>
    <message>
        <source>Merged into {number}</source>
        <translation>Digabungkan ke {number}</translation>
    </message>
    <message>
        <source>Referred</source>
        <translation>Diteruskan</translation>
    </message>
    <message>
        <source>A supervisor must approve this</source>
        <translation>Ini perlu persetujuan supervisor</translation>
    </message>
    <message>
        <source>Draft restored: not saved yet (Ctrl+Enter saves)</source>
        <translation>Draf dipulihkan: belum disimpan (Ctrl+Enter menyimpan)</translation>
    </message>
    <message>
        <source>Draft not saved: {reason}</source>
        <translation>Draf tidak tersimpan: {reason}</translation>
    </message>
</context>
<context>
    <name>IncidentFields</name>
    <message>
        <source>— not said —</source>
        <translation>— tidak disebut —</translation>
    </message>
</context>
<context>
    <name>IncidentForm</name>
    <message>
        <source>New incident</source>
        <translation>Kejadian baru</translation>
    </message>
    <message>
        <source>— choose —</source>
        <translation>— pilih —</translation>
    </message>
    <message>
        <source>No location yet</source>
        <translation>Lokasi belum ada</translation>
    </message>
    <message>
        <source>e.g. behind the mosque</source>
        <translation>mis. belakang masjid</translation>
    </message>
    <message>
        <source>What happened, who is hurt, what is needed</source>
        <translation>Kejadian apa, siapa terluka, butuh apa</translation>
    </message>
    <message>
        <source>&amp;Attach call to it</source>
        <translation>&amp;Gabungkan ke kejadian itu</translation>
    </message>
    <message>
        <source>Save as &amp;new incident</source>
        <translation>Simpa&amp;n sebagai kejadian baru</translation>
    </message>
    <message>
        <source>Save (Ctrl+Enter)</source>
        <translation>Simpan (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>Refer (Ctrl+R)</source>
        <translation>Teruskan (Ctrl+R)</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Kategori</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Prioritas</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>Lokasi</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Alamat</translation>
    </message>
    <message>
        <source>Gang / RT / RW</source>
        <translation>Gang / RT / RW</translation>
    </message>
    <message>
        <source>Landmark</source>
        <translation>Patokan</translation>
    </message>
    <message>
        <source>Kabupaten/kota</source>
        <translation>Kabupaten/kota</translation>
    </message>
    <message>
        <source>Time of event</source>
        <translation>Waktu kejadian</translation>
    </message>
    <message>
        <source>Caller name</source>
        <translation>Nama penelepon</translation>
    </message>
    <message>
        <source>Caller number</source>
        <translation>Nomor penelepon</translation>
    </message>
    <message>
        <source>Call back on</source>
        <translation>No. untuk dihubungi</translation>
    </message>
    <message>
        <source>Relation</source>
        <translation>Hubungan pelapor</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Sumber laporan</translation>
    </message>
    <message>
        <source>Narrative</source>
        <translation>Kronologi</translation>
    </message>
    <message>
        <source>Refer to</source>
        <translation>Teruskan ke</translation>
    </message>
    <message>
        <source>Victims</source>
        <translation>Jumlah korban</translation>
    </message>
    <message>
        <source>Fill in category → place → Ctrl+Enter</source>
        <translation>Isi kategori → lokasi → Ctrl+Enter</translation>
    </message>
    <message>
        <source>Fill in place → Ctrl+Enter</source>
        <translation>Isi lokasi → Ctrl+Enter</translation>
    </message>
    <message>
        <source>Ctrl+Enter saves · Ctrl+R refers</source>
        <translation>Ctrl+Enter simpan · Ctrl+R teruskan</translation>
    </message>
    <message>
        <source>Replace location?</source>
        <translation>Ganti lokasi?</translation>
    </message>
    <message>
        <source>The location was already confirmed. Replace it with the new point?</source>
        <translation>Lokasi sudah dipastikan. Ganti dengan titik yang baru?</translation>
    </message>
    <message>
        <source>Kel. {name}</source>
        <translation>Kel. {name}</translation>
    </message>
    <message>
        <source>Desa {name}</source>
        <translation>Desa {name}</translation>
    </message>
    <message>
        <source>Kec. {name}</source>
        <translation>Kec. {name}</translation>
    </message>
    <message>
        <source>Location set</source>
        <translation>Lokasi ditetapkan</translation>
    </message>
    <message>
        <source>RT</source>
        <translation>RT</translation>
    </message>
    <message>
        <source>RW</source>
        <translation>RW</translation>
    </message>
    <message>
        <source>Draft not saved: {reason}</source>
        <translation>Draf tidak tersimpan: {reason}</translation>
    </message>
    <message>
        <source>Saved {number}</source>
        <translation>{number} tersimpan</translation>
    </message>
    <message>
        <source>Street, house no.</source>
        <translation>Jalan, no. rumah</translation>
    </message>
    <message>
        <source>Not saved: {reason}. Everything typed stays here; fix it and press Ctrl+Enter again.</source>
        <translation>Tidak tersimpan: {reason}. Semua isian tetap di sini; perbaiki lalu tekan Ctrl+Enter lagi.</translation>
    </message>
    <message>
        <source>Possible duplicate: {number} ({category}, {status}) is open nearby. Attach this call to it (Alt+A) or save as new (Alt+N)?</source>
        <translation>Kemungkinan laporan ganda: {number} ({category}, {status}) masih terbuka di dekat sini. Gabungkan ke kejadian itu (Alt+G) atau simpan sebagai kejadian baru (Alt+N)?</translation>
    </message>
    <message>
        <source>Call attached to {number}</source>
        <translation>Panggilan digabungkan ke kejadian {number}</translation>
    </message>
    <message>
        <source>Choose a category first: agencies are suggested by category and place</source>
        <translation>Pilih kategori dulu: instansi disarankan menurut kategori dan lokasi</translation>
    </message>
    <message>
        <source>Will refer to: {names}</source>
        <translation>Akan diteruskan ke: {names}</translation>
    </message>
    <message>
        <source>Draft restored</source>
        <translation>Draf dipulihkan</translation>
    </message>
</context>
<context>
    <name>IncidentList</name>
    <message>
        <source>Open</source>
        <translation>Terbuka</translation>
    </message>
    <message>
        <source>Closed in the last 7 days</source>
        <translation>Ditutup 7 hari terakhir</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Semua</translation>
    </message>
    <message>
        <source>All categories</source>
        <translation>Semua kategori</translation>
    </message>
    <message>
        <source>All kecamatan</source>
        <translation>Semua kecamatan</translation>
    </message>
    <message>
        <source>Mine</source>
        <translation>Milik saya</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Hari ini</translation>
    </message>
    <message>
        <source>Search: number, place, text</source>
        <translation>Cari: nomor, lokasi, teks</translation>
    </message>
    <message>
        <source>{n} incidents</source>
        <translation>{n} kejadian</translation>
    </message>
</context>
<context>
    <name>IncidentListModel</name>
    <message>
        <source>Number</source>
        <translation>Nomor</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Kategori</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Prioritas</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>Lokasi</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>Umur</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Last update</source>
        <translation>Pembaruan terakhir</translation>
    </message>
    <message>
        <source>Referral</source>
        <translation>Penerusan</translation>
    </message>
    <message>
        <source>Kec. {name}</source>
        <translation>Kec. {name}</translation>
    </message>
    <message>
        <source>overdue</source>
        <translation>lewat batas</translation>
    </message>
</context>
<context>
    <name>IncidentTimeline</name>
    <message>
        <source>Category</source>
        <translation>Kategori</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Prioritas</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>Lokasi</translation>
    </message>
    <message>
        <source>Caller name</source>
        <translation>Nama penelepon</translation>
    </message>
    <message>
        <source>Caller number</source>
        <translation>Nomor penelepon</translation>
    </message>
    <message>
        <source>Narrative</source>
        <translation>Kronologi</translation>
    </message>
    <message>
        <source>Casualties</source>
        <translation>Jumlah korban</translation>
    </message>
    <message>
        <source>Disposition</source>
        <translation>Hasil akhir penanganan</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Kel. {name}</source>
        <translation>Kel. {name}</translation>
    </message>
    <message>
        <source>Desa {name}</source>
        <translation>Desa {name}</translation>
    </message>
    <message>
        <source>Kec. {name}</source>
        <translation>Kec. {name}</translation>
    </message>
    <message>
        <source>another desk</source>
        <translation>meja lain</translation>
    </message>
    <message>
        <source>unknown number</source>
        <translation>nomor tidak dikenal</translation>
    </message>
    <message>
        <source>Call from {number} ({outcome}), taken by {who}</source>
        <translation>Panggilan dari {number} ({outcome}), diterima oleh {who}</translation>
    </message>
    <message>
        <source>Note by {who}: {text}</source>
        <translation>Catatan {who}: {text}</translation>
    </message>
    <message>
        <source>{field}: {old} → {new} ({who})</source>
        <translation>{field}: {old} → {new} ({who})</translation>
    </message>
    <message>
        <source>Incident created ({who})</source>
        <translation>Kejadian dibuat ({who})</translation>
    </message>
    <message>
        <source>Status: {old} → {new} ({who})</source>
        <translation>Status: {old} → {new} ({who})</translation>
    </message>
    <message>
        <source>reason: {reason}</source>
        <translation>alasan: {reason}</translation>
    </message>
    <message>
        <source>Referral to {agency}: {step} ({who})</source>
        <translation>Penerusan ke {agency}: {step} ({who})</translation>
    </message>
    <message>
        <source>Device location {lat}, {lon} (±{radius} m, {method})</source>
        <translation>Lokasi perangkat {lat}, {lon} (±{radius} m, {method})</translation>
    </message>
    <message>
        <source>Merged into {number} ({who})</source>
        <translation>Digabungkan ke {number} ({who})</translation>
    </message>
    <message>
        <source>{number} merged into this incident ({who})</source>
        <translation>{number} digabungkan ke kejadian ini ({who})</translation>
    </message>
    <message>
        <source>Conflict on {field}: {older} / {newer} (both kept; a supervisor decides)</source>
        <translation>Konflik pada {field}: {older} / {newer} (keduanya disimpan; supervisor memutuskan)</translation>
    </message>
    <message>
        <source>kept the newer value</source>
        <translation>nilai yang lebih baru dipertahankan</translation>
    </message>
    <message>
        <source>took the older value</source>
        <translation>nilai yang lebih lama diambil</translation>
    </message>
    <message>
        <source>Conflict on {field} resolved: {how} ({who})</source>
        <translation>Konflik pada {field} diselesaikan: {how} ({who})</translation>
    </message>
    <message>
        <source>sent</source>
        <translation>dikirim</translation>
    </message>
    <message>
        <source>acknowledged</source>
        <translation>dikonfirmasi</translation>
    </message>
    <message>
        <source>on scene</source>
        <translation>tiba di lokasi</translation>
    </message>
    <message>
        <source>feedback</source>
        <translation>tindak lanjut</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>ditutup</translation>
    </message>
    <message>
        <source>sent again</source>
        <translation>dikirim ulang</translation>
    </message>
    <message>
        <source>escalated</source>
        <translation>dieskalasi</translation>
    </message>
    <message>
        <source>reopened</source>
        <translation>dibuka kembali</translation>
    </message>
</context>
<context>
    <name>IncomingCallBar</name>
    <message>
        <source>manual call</source>
        <translation>panggilan manual</translation>
    </message>
    <message>
        <source>On the line: {who}</source>
        <translation>Tersambung: {who}</translation>
    </message>
    <message>
        <source>caller hung up</source>
        <translation>penelepon menutup telepon</translation>
    </message>
    <message>
        <source>F5 ghost · F6 prank · F7 information · F8 wrong number · F9 emergency</source>
        <translation>F5 ghost call · F6 iseng · F7 informasi · F8 salah sambung · F9 darurat</translation>
    </message>
    <message>
        <source>F2 hold this call and answer the waiting one</source>
        <translation>F2 tahan panggilan ini dan angkat yang menunggu</translation>
    </message>
    <message>
        <source>F4 swap with the held call</source>
        <translation>F4 tukar dengan panggilan yang ditahan</translation>
    </message>
    <message>
        <source>F4 hold</source>
        <translation>F4 tahan</translation>
    </message>
    <message>
        <source>unknown number</source>
        <translation>nomor tidak dikenal</translation>
    </message>
    <message>
        <source>Ringing: {who}</source>
        <translation>Panggilan masuk: {who}</translation>
    </message>
    <message>
        <source>F4 return to the held call</source>
        <translation>F4 kembali ke panggilan yang ditahan</translation>
    </message>
    <message>
        <source>Call on hold</source>
        <translation>Panggilan ditahan</translation>
    </message>
    <message>
        <source>open incident {number}: Alt+U adds this call</source>
        <translation>kejadian terbuka {number}: Alt+U menggabungkan panggilan ini</translation>
    </message>
    <message>
        <source>On hold: {calls}</source>
        <translation>Ditahan: {calls}</translation>
    </message>
    <message>
        <source>F2 answer</source>
        <translation>F2 angkat</translation>
    </message>
    <message>
        <source>No call</source>
        <translation>Tidak ada panggilan</translation>
    </message>
    <message>
        <source>F2 open a manual call</source>
        <translation>F2 buka panggilan manual</translation>
    </message>
</context>
<context>
    <name>KabupatenField</name>
    <message>
        <source>the kabupaten/kota of the place</source>
        <translation>kabupaten/kota setempat</translation>
    </message>
    <message>
        <source>Outside the region — pass it on to 112 {name}</source>
        <translation>Di luar wilayah — teruskan ke 112 {name}</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <source>Emergency</source>
        <translation>Darurat</translation>
    </message>
    <message>
        <source>Information</source>
        <translation>Permintaan informasi</translation>
    </message>
    <message>
        <source>Prank</source>
        <translation>Iseng</translation>
    </message>
    <message>
        <source>Ghost / silent</source>
        <translation>Ghost call (kosong)</translation>
    </message>
    <message>
        <source>Wrong number</source>
        <translation>Salah sambung</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>Uji coba</translation>
    </message>
    <message>
        <source>Abandoned</source>
        <translation>Tidak terjawab</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>Sedang berlangsung</translation>
    </message>
    <message>
        <source>Fire</source>
        <translation>Kebakaran</translation>
    </message>
    <message>
        <source>Medical</source>
        <translation>Medis/kesehatan</translation>
    </message>
    <message>
        <source>Traffic accident</source>
        <translation>Kecelakaan lalu lintas</translation>
    </message>
    <message>
        <source>Crime and security</source>
        <translation>Kriminal dan keamanan</translation>
    </message>
    <message>
        <source>Domestic violence</source>
        <translation>KDRT</translation>
    </message>
    <message>
        <source>Disaster: flood</source>
        <translation>Bencana: banjir</translation>
    </message>
    <message>
        <source>Disaster: landslide</source>
        <translation>Bencana: tanah longsor</translation>
    </message>
    <message>
        <source>Disaster: fallen tree</source>
        <translation>Bencana: pohon tumbang</translation>
    </message>
    <message>
        <source>Animal: snake</source>
        <translation>Evakuasi hewan: ular</translation>
    </message>
    <message>
        <source>Animal: bees</source>
        <translation>Evakuasi hewan: sarang tawon</translation>
    </message>
    <message>
        <source>Utility: electricity (PLN)</source>
        <translation>Gangguan listrik (PLN)</translation>
    </message>
    <message>
        <source>Utility: water (PDAM)</source>
        <translation>Gangguan air (PDAM)</translation>
    </message>
    <message>
        <source>Utility: street light</source>
        <translation>PJU mati</translation>
    </message>
    <message>
        <source>Missing person</source>
        <translation>Orang hilang</translation>
    </message>
    <message>
        <source>Mentally ill / neglected person (ODGJ)</source>
        <translation>ODGJ / orang terlantar</translation>
    </message>
    <message>
        <source>Public order disturbance</source>
        <translation>Gangguan ketertiban</translation>
    </message>
    <message>
        <source>Drowning / search and rescue</source>
        <translation>Tenggelam / SAR</translation>
    </message>
    <message>
        <source>Road damage</source>
        <translation>Jalan rusak</translation>
    </message>
    <message>
        <source>Body found</source>
        <translation>Penemuan mayat</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Lainnya</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Baru</translation>
    </message>
    <message>
        <source>Referred</source>
        <translation>Diteruskan</translation>
    </message>
    <message>
        <source>On scene</source>
        <translation>Tiba di lokasi</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>Tertangani</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Ditutup</translation>
    </message>
    <message>
        <source>P1 — life in danger now</source>
        <translation>P1 — mengancam nyawa</translation>
    </message>
    <message>
        <source>P2 — urgent</source>
        <translation>P2 — mendesak</translation>
    </message>
    <message>
        <source>P3 — soon</source>
        <translation>P3 — tidak mendesak</translation>
    </message>
    <message>
        <source>P4 — can wait</source>
        <translation>P4 — bisa menunggu</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>Desa</translation>
    </message>
    <message>
        <source>Urban village</source>
        <translation>Kelurahan</translation>
    </message>
    <message>
        <source>District</source>
        <translation>Kecamatan</translation>
    </message>
    <message>
        <source>Regency</source>
        <translation>Kabupaten</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>Tempat</translation>
    </message>
    <message>
        <source>Landmark</source>
        <translation>Patokan</translation>
    </message>
    <message>
        <source>Fire brigade (Damkar)</source>
        <translation>Pemadam kebakaran (Damkar)</translation>
    </message>
    <message>
        <source>Ambulance / health (PSC 119)</source>
        <translation>Ambulans / kesehatan (PSC 119)</translation>
    </message>
    <message>
        <source>Police (Polres / Polsek)</source>
        <translation>Kepolisian (Polres / Polsek)</translation>
    </message>
    <message>
        <source>Disaster management (BPBD)</source>
        <translation>Penanggulangan bencana (BPBD)</translation>
    </message>
    <message>
        <source>Red Cross (PMI)</source>
        <translation>Palang Merah (PMI)</translation>
    </message>
    <message>
        <source>Electricity (PLN)</source>
        <translation>Listrik (PLN)</translation>
    </message>
    <message>
        <source>Water (PDAM)</source>
        <translation>Air minum (PDAM)</translation>
    </message>
    <message>
        <source>Public order (Satpol PP)</source>
        <translation>Ketertiban umum (Satpol PP)</translation>
    </message>
    <message>
        <source>Social services (Dinsos)</source>
        <translation>Sosial (Dinsos)</translation>
    </message>
    <message>
        <source>Search and rescue (Basarnas)</source>
        <translation>Pencarian dan pertolongan (Basarnas)</translation>
    </message>
    <message>
        <source>Transport (Dishub)</source>
        <translation>Perhubungan (Dishub)</translation>
    </message>
    <message>
        <source>Public works (PUPR)</source>
        <translation>Pekerjaan umum (PUPR)</translation>
    </message>
    <message>
        <source>Ringing</source>
        <translation>Panggilan masuk</translation>
    </message>
    <message>
        <source>Victim</source>
        <translation>Korban</translation>
    </message>
    <message>
        <source>Family</source>
        <translation>Keluarga</translation>
    </message>
    <message>
        <source>Witness</source>
        <translation>Saksi</translation>
    </message>
    <message>
        <source>112 call</source>
        <translation>Telepon 112</translation>
    </message>
    <message>
        <source>WhatsApp</source>
        <translation>WhatsApp</translation>
    </message>
    <message>
        <source>Social media</source>
        <translation>Media sosial</translation>
    </message>
    <message>
        <source>Came in person</source>
        <translation>Datang langsung</translation>
    </message>
    <message>
        <source>Dead</source>
        <translation>Meninggal</translation>
    </message>
    <message>
        <source>Seriously injured</source>
        <translation>Luka berat</translation>
    </message>
    <message>
        <source>Slightly injured</source>
        <translation>Luka ringan</translation>
    </message>
    <message>
        <source>Condition not known</source>
        <translation>Belum diketahui</translation>
    </message>
</context>
<context>
    <name>LocationSearch</name>
    <message>
        <source>Desa, kecamatan, landmark… (a few letters)</source>
        <translation>Ketik desa/kelurahan, kecamatan, patokan…</translation>
    </message>
    <message>
        <source>Address (no region loaded)</source>
        <translation>Alamat (data wilayah belum dimuat)</translation>
    </message>
</context>
<context>
    <name>LockDialog</name>
    <message>
        <source>Desk locked</source>
        <translation>Meja terkunci</translation>
    </message>
    <message>
        <source>The desk was locked after a while without use. Enter your password.</source>
        <translation>Meja dikunci karena lama tidak digunakan. Isi kata sandi Anda.</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nama</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Kata sandi</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>Buka kunci</translation>
    </message>
    <message>
        <source>Log out</source>
        <translation>Keluar</translation>
    </message>
    <message>
        <source>Enter your password</source>
        <translation>Isi kata sandi Anda</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Checking…</source>
        <translation>Memeriksa…</translation>
    </message>
    <message>
        <source>Log in — Operator Desk 112</source>
        <translation>Masuk — Meja Operator 112</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nama</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Kata sandi</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>Kata sandi baru</translation>
    </message>
    <message>
        <source>Repeat the password</source>
        <translation>Ulangi kata sandi</translation>
    </message>
    <message>
        <source>This desk has no account yet. Make the first admin account.</source>
        <translation>Meja ini belum punya akun. Buat akun admin pertama.</translation>
    </message>
    <message>
        <source>Make the admin account</source>
        <translation>Buat akun admin</translation>
    </message>
    <message>
        <source>Your password was reset. Choose a new password.</source>
        <translation>Kata sandi Anda telah direset. Buat kata sandi baru.</translation>
    </message>
    <message>
        <source>Change the password</source>
        <translation>Ganti kata sandi</translation>
    </message>
    <message>
        <source>Log in with your own name and password.</source>
        <translation>Masuk dengan nama dan kata sandi Anda sendiri.</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>Masuk</translation>
    </message>
    <message>
        <source>Enter your name and password</source>
        <translation>Isi nama dan kata sandi</translation>
    </message>
    <message>
        <source>The two passwords differ</source>
        <translation>Kedua kata sandi tidak sama</translation>
    </message>
    <message>
        <source>Choose a new password to continue</source>
        <translation>Buat kata sandi baru untuk melanjutkan</translation>
    </message>
</context>
<context>
    <name>LoginFlow</name>
    <message>
        <source>Switch user</source>
        <translation>Ganti petugas</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Operator Desk — 112</source>
        <translation>Meja Operator 112</translation>
    </message>
    <message>
        <source>Incident</source>
        <translation>Kejadian</translation>
    </message>
    <message>
        <source>Caller history</source>
        <translation>Riwayat penelepon</translation>
    </message>
    <message>
        <source>Not saved: {reason}</source>
        <translation>Tidak tersimpan: {reason}</translation>
    </message>
    <message>
        <source>&amp;Call</source>
        <translation>&amp;Panggilan</translation>
    </message>
    <message>
        <source>Log-in</source>
        <translation>Masuk</translation>
    </message>
    <message>
        <source>Log out</source>
        <translation>Keluar</translation>
    </message>
    <message>
        <source>Switch user</source>
        <translation>Ganti petugas</translation>
    </message>
    <message>
        <source>Answer / manual call</source>
        <translation>Angkat / panggilan manual</translation>
    </message>
    <message>
        <source>Hold / return</source>
        <translation>Tahan / kembali</translation>
    </message>
    <message>
        <source>Ghost / silent</source>
        <translation>Ghost call (kosong)</translation>
    </message>
    <message>
        <source>Prank</source>
        <translation>Iseng</translation>
    </message>
    <message>
        <source>Information request</source>
        <translation>Permintaan informasi</translation>
    </message>
    <message>
        <source>Wrong number</source>
        <translation>Salah sambung</translation>
    </message>
    <message>
        <source>Emergency: incident form</source>
        <translation>Darurat: formulir kejadian</translation>
    </message>
    <message>
        <source>&amp;Incident</source>
        <translation>&amp;Kejadian</translation>
    </message>
    <message>
        <source>Save incident</source>
        <translation>Simpan kejadian</translation>
    </message>
    <message>
        <source>Refer to agency</source>
        <translation>Teruskan ke instansi</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Tampilan</translation>
    </message>
    <message>
        <source>Search the call log</source>
        <translation>Cari di log panggilan</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Bantuan</translation>
    </message>
    <message>
        <source>Operator keys</source>
        <translation>Tombol operator</translation>
    </message>
    <message>
        <source>No call to hold</source>
        <translation>Tidak ada panggilan untuk ditahan</translation>
    </message>
    <message>
        <source>No call to close</source>
        <translation>Tidak ada panggilan untuk ditutup</translation>
    </message>
    <message>
        <source>The caller's phone sent a location: Ctrl+L to use it</source>
        <translation>Ponsel penelepon mengirim lokasi: Ctrl+L untuk memakainya</translation>
    </message>
    <message>
        <source>Use the caller's device location</source>
        <translation>Pakai lokasi dari ponsel penelepon</translation>
    </message>
    <message>
        <source>Incident list</source>
        <translation>Daftar kejadian</translation>
    </message>
    <message>
        <source>Add a note</source>
        <translation>Tambah catatan</translation>
    </message>
    <message>
        <source>Attach the call to the caller's open incident</source>
        <translation>Gabungkan panggilan ke kejadian terbuka penelepon</translation>
    </message>
    <message>
        <source>Back to the current call</source>
        <translation>Kembali ke panggilan saat ini</translation>
    </message>
    <message>
        <source>&amp;Desk</source>
        <translation>&amp;Sistem</translation>
    </message>
    <message>
        <source>Accounts…</source>
        <translation>Akun…</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Pengaturan…</translation>
    </message>
    <message>
        <source>Agencies…</source>
        <translation>Instansi…</translation>
    </message>
    <message>
        <source>Sync conflicts…</source>
        <translation>Konflik sinkronisasi…</translation>
    </message>
    <message>
        <source>Sync problems…</source>
        <translation>Masalah sinkronisasi…</translation>
    </message>
    <message>
        <source>&amp;Training</source>
        <translation>&amp;Latihan</translation>
    </message>
    <message>
        <source>Open the training desk…</source>
        <translation>Buka desk latihan…</translation>
    </message>
    <message>
        <source>Simulate a ringing call</source>
        <translation>Simulasi panggilan masuk</translation>
    </message>
    <message>
        <source>Simulate: caller hangs up</source>
        <translation>Simulasi: penelepon menutup telepon</translation>
    </message>
    <message>
        <source>TRAINING / LATIHAN — nothing done here reaches the center</source>
        <translation>LATIHAN / TRAINING — tidak ada yang dikirim ke pusat</translation>
    </message>
    <message>
        <source>TRAINING</source>
        <translation>LATIHAN</translation>
    </message>
    <message>
        <source>Answer the ringing call (or open a manual call)</source>
        <translation>Angkat panggilan masuk (atau buka panggilan manual)</translation>
    </message>
    <message>
        <source>Hold the call / return to the held call (F2 on a call: hold it, answer the waiting one)</source>
        <translation>Tahan panggilan / kembali ke panggilan yang ditahan (F2 saat tersambung: tahan, angkat yang menunggu)</translation>
    </message>
    <message>
        <source>Close the call as ghost / silent</source>
        <translation>Tutup panggilan sebagai ghost call (kosong)</translation>
    </message>
    <message>
        <source>Close the call as prank</source>
        <translation>Tutup panggilan sebagai iseng</translation>
    </message>
    <message>
        <source>Close the call as information request</source>
        <translation>Tutup panggilan sebagai permintaan informasi</translation>
    </message>
    <message>
        <source>Close the call as wrong number</source>
        <translation>Tutup panggilan sebagai salah sambung</translation>
    </message>
    <message>
        <source>Emergency: open the incident form</source>
        <translation>Darurat: buka formulir kejadian</translation>
    </message>
    <message>
        <source>Save the incident</source>
        <translation>Simpan kejadian</translation>
    </message>
    <message>
        <source>Refer the incident to an agency</source>
        <translation>Teruskan kejadian ke instansi</translation>
    </message>
    <message>
        <source>The incident list (Enter opens the selected incident)</source>
        <translation>Daftar kejadian (Enter membuka kejadian yang dipilih)</translation>
    </message>
    <message>
        <source>Add a note to the open incident</source>
        <translation>Tambah catatan pada kejadian yang dibuka</translation>
    </message>
    <message>
        <source>Attach the current call to the caller's open incident and open it</source>
        <translation>Gabungkan panggilan ini ke kejadian terbuka penelepon dan buka kejadian itu</translation>
    </message>
    <message>
        <source>operator</source>
        <translation>operator</translation>
    </message>
    <message>
        <source>supervisor</source>
        <translation>supervisor</translation>
    </message>
    <message>
        <source>admin</source>
        <translation>admin</translation>
    </message>
    <message>
        <source>Nobody is logged in</source>
        <translation>Belum ada yang masuk</translation>
    </message>
    <message>
        <source>Logged in: {name} ({role})</source>
        <translation>Masuk: {name} ({role})</translation>
    </message>
    <message>
        <source>Map</source>
        <translation>Peta</translation>
    </message>
    <message>
        <source>Incident detail</source>
        <translation>Detail kejadian</translation>
    </message>
    <message>
        <source>Incidents</source>
        <translation>Daftar kejadian</translation>
    </message>
    <message>
        <source>Referrals</source>
        <translation>Penerusan ke instansi</translation>
    </message>
    <message>
        <source>Shift handover</source>
        <translation>Serah terima shift</translation>
    </message>
    <message>
        <source>Statistics</source>
        <translation>Statistik</translation>
    </message>
    <message>
        <source>This call has no recording</source>
        <translation>Panggilan ini tidak punya rekaman</translation>
    </message>
    <message>
        <source>Open an incident first (F3)</source>
        <translation>Buka kejadian dulu (F3)</translation>
    </message>
    <message>
        <source>No open incident of this caller</source>
        <translation>Penelepon ini tidak punya kejadian terbuka</translation>
    </message>
    <message>
        <source>The training desk could not be started</source>
        <translation>Desk latihan tidak dapat dibuka</translation>
    </message>
    <message>
        <source>The training desk opens in its own window</source>
        <translation>Desk latihan dibuka di jendela tersendiri</translation>
    </message>
</context>
<context>
    <name>MapBinding</name>
    <message>
        <source>Add landmark</source>
        <translation>Tambah patokan</translation>
    </message>
    <message>
        <source>Name of the place:</source>
        <translation>Nama tempat:</translation>
    </message>
</context>
<context>
    <name>MapHost</name>
    <message>
        <source>Loading the region map…</source>
        <translation>Memuat peta wilayah…</translation>
    </message>
    <message>
        <source>No region pack. Start with --region FOLDER or install one with 'operator-desk region import'.</source>
        <translation>Paket wilayah belum ada. Jalankan dengan --region FOLDER atau pasang dengan 'operator-desk region import'.</translation>
    </message>
</context>
<context>
    <name>MapLegend</name>
    <message>
        <source>Legend</source>
        <translation>Legenda</translation>
    </message>
    <message>
        <source>What the markers and symbols mean</source>
        <translation>Arti tanda dan simbol di peta</translation>
    </message>
    <message>
        <source>Incidents</source>
        <translation>Kejadian</translation>
    </message>
    <message>
        <source>Resolved or closed (ring)</source>
        <translation>Selesai atau ditutup (cincin)</translation>
    </message>
    <message>
        <source>Locations</source>
        <translation>Lokasi</translation>
    </message>
    <message>
        <source>Caller's phone (AML) and its accuracy</source>
        <translation>Ponsel penelepon (AML) dan akurasinya</translation>
    </message>
    <message>
        <source>Location chosen in the form</source>
        <translation>Lokasi yang dipilih di formulir</translation>
    </message>
    <message>
        <source>Facilities</source>
        <translation>Fasilitas</translation>
    </message>
    <message>
        <source>Hospital</source>
        <translation>Rumah sakit</translation>
    </message>
    <message>
        <source>Puskesmas / clinic</source>
        <translation>Puskesmas / klinik</translation>
    </message>
    <message>
        <source>Doctor / midwife</source>
        <translation>Dokter / bidan</translation>
    </message>
    <message>
        <source>Police</source>
        <translation>Polisi</translation>
    </message>
    <message>
        <source>Fire station (Damkar)</source>
        <translation>Pos pemadam kebakaran (Damkar)</translation>
    </message>
    <message>
        <source>Other place</source>
        <translation>Tempat lain</translation>
    </message>
    <message>
        <source>Lines</source>
        <translation>Garis</translation>
    </message>
    <message>
        <source>Kabupaten boundary</source>
        <translation>Batas kabupaten</translation>
    </message>
    <message>
        <source>Kecamatan boundary</source>
        <translation>Batas kecamatan</translation>
    </message>
    <message>
        <source>River</source>
        <translation>Sungai</translation>
    </message>
</context>
<context>
    <name>MapPanel</name>
    <message>
        <source>N</source>
        <comment>north arrow</comment>
        <translation>U</translation>
    </message>
    <message>
        <source>{0} km</source>
        <translation>{0} km</translation>
    </message>
    <message>
        <source>{0} m</source>
        <translation>{0} m</translation>
    </message>
    <message>
        <source>±{0} km</source>
        <translation>±{0} km</translation>
    </message>
    <message>
        <source>±{0} m</source>
        <translation>±{0} m</translation>
    </message>
    <message>
        <source>{0} s ago</source>
        <translation>{0} dtk lalu</translation>
    </message>
    <message>
        <source>{0} min ago</source>
        <translation>{0} mnt lalu</translation>
    </message>
    <message>
        <source>{0} h ago</source>
        <translation>{0} jam lalu</translation>
    </message>
    <message>
        <source>Add landmark here…</source>
        <translation>Tambah patokan di sini…</translation>
    </message>
    <message>
        <source>Fit to region</source>
        <translation>Tampilkan seluruh wilayah</translation>
    </message>
</context>
<context>
    <name>MessageBanner</name>
    <message>
        <source>Message from {sender}: {text} — Ctrl+Shift+K: acknowledge</source>
        <translation>Pesan dari {sender}: {text} — Ctrl+Shift+K: tanda terima</translation>
    </message>
    <message>
        <source>(+{n} more)</source>
        <translation>(+{n} lagi)</translation>
    </message>
</context>
<context>
    <name>ReAuthDialog</name>
    <message>
        <source>Supervisor approval</source>
        <translation>Persetujuan supervisor</translation>
    </message>
    <message>
        <source>This needs a supervisor. The supervisor enters their own name and password.</source>
        <translation>Tindakan ini perlu supervisor. Supervisor mengisi nama dan kata sandinya sendiri.</translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation>Supervisor</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Kata sandi</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>Setujui</translation>
    </message>
    <message>
        <source>Enter your name and password</source>
        <translation>Isi nama dan kata sandi</translation>
    </message>
</context>
<context>
    <name>ReferralBoard</name>
    <message>
        <source>Disposition</source>
        <translation>Hasil akhir penanganan</translation>
    </message>
    <message>
        <source>Supervisor override reason</source>
        <translation>Alasan pengecualian oleh supervisor</translation>
    </message>
    <message>
        <source>Agency feedback (F, then Enter)</source>
        <translation>Laporan tindak lanjut instansi (F, lalu Enter)</translation>
    </message>
    <message>
        <source>Message (M)</source>
        <translation>Pesan (M)</translation>
    </message>
    <message>
        <source>Referral board: the message to the agency (copy, WhatsApp, SMS)</source>
        <translation>Papan penerusan: pesan ke instansi (salin, WhatsApp, SMS)</translation>
    </message>
    <message>
        <source>Escalate to</source>
        <translation>Eskalasi ke</translation>
    </message>
    <message>
        <source>Close incident</source>
        <translation>Tutup kejadian</translation>
    </message>
    <message>
        <source>Select a referral first</source>
        <translation>Pilih penerusan dulu</translation>
    </message>
    <message>
        <source>Choose the agency to escalate to</source>
        <translation>Pilih instansi tujuan eskalasi</translation>
    </message>
    <message>
        <source>Type the agency's feedback, then press Enter</source>
        <translation>Tulis laporan tindak lanjut instansi, lalu tekan Enter</translation>
    </message>
    <message>
        <source>Recorded</source>
        <translation>Tercatat</translation>
    </message>
    <message>
        <source>Incident closed</source>
        <translation>Kejadian ditutup</translation>
    </message>
    <message>
        <source>A supervisor must approve the override</source>
        <translation>Pengecualian ini harus disetujui supervisor</translation>
    </message>
    <message>
        <source>That step is already recorded</source>
        <translation>Langkah itu sudah tercatat</translation>
    </message>
    <message>
        <source>That step is already past</source>
        <translation>Langkah itu sudah lewat</translation>
    </message>
    <message>
        <source>The referral is closed</source>
        <translation>Penerusan sudah ditutup</translation>
    </message>
    <message>
        <source>The agency's feedback is missing</source>
        <translation>Laporan tindak lanjut instansi belum ada</translation>
    </message>
    <message>
        <source>Enter the disposition first</source>
        <translation>Isi hasil akhir penanganan dulu</translation>
    </message>
    <message>
        <source>Only a supervisor can override</source>
        <translation>Hanya supervisor yang dapat memberi pengecualian</translation>
    </message>
    <message>
        <source>Give the reason for the override</source>
        <translation>Isi alasan pengecualian</translation>
    </message>
    <message>
        <source>The incident is closed</source>
        <translation>Kejadian sudah ditutup</translation>
    </message>
    <message>
        <source>Choose another agency</source>
        <translation>Pilih instansi lain</translation>
    </message>
</context>
<context>
    <name>ReferralSendDialog</name>
    <message>
        <source>Message to the agency</source>
        <translation>Pesan ke instansi</translation>
    </message>
    <message>
        <source>The agency has no number: type one</source>
        <translation>Instansi belum punya nomor: ketik nomornya</translation>
    </message>
    <message>
        <source>SMS to</source>
        <translation>SMS ke</translation>
    </message>
    <message>
        <source>WhatsApp to</source>
        <translation>WhatsApp ke</translation>
    </message>
    <message>
        <source>Copy text (Ctrl+Shift+C)</source>
        <translation>Salin teks (Ctrl+Shift+C)</translation>
    </message>
    <message>
        <source>Open WhatsApp</source>
        <translation>Buka WhatsApp</translation>
    </message>
    <message>
        <source>Send SMS</source>
        <translation>Kirim SMS</translation>
    </message>
    <message>
        <source>No SMS gateway is set up on this desk</source>
        <translation>Gateway SMS belum diatur di desk ini</translation>
    </message>
    <message>
        <source>Back to the template</source>
        <translation>Kembali ke templat</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Tutup</translation>
    </message>
    <message>
        <source>Dealt with</source>
        <translation>Sudah ditangani</translation>
    </message>
    <message>
        <source>SMS not matched</source>
        <translation>SMS belum dicocokkan</translation>
    </message>
    <message>
        <source>{n} characters · {parts} SMS</source>
        <translation>{n} karakter · {parts} SMS</translation>
    </message>
    <message>
        <source>special characters: 67 characters per SMS</source>
        <translation>karakter khusus: 67 karakter per SMS</translation>
    </message>
    <message>
        <source>too long for SMS (at most {max})</source>
        <translation>terlalu panjang untuk SMS (paling banyak {max})</translation>
    </message>
    <message>
        <source>Copied to the clipboard at {t}</source>
        <translation>Disalin ke clipboard pukul {t}</translation>
    </message>
    <message>
        <source>WhatsApp opened at {t}</source>
        <translation>WhatsApp dibuka pukul {t}</translation>
    </message>
    <message>
        <source>SMS waiting in the gateway since {t}</source>
        <translation>SMS menunggu di gateway sejak {t}</translation>
    </message>
    <message>
        <source>SMS sent at {t}</source>
        <translation>SMS terkirim pukul {t}</translation>
    </message>
    <message>
        <source>Not sent ({t}): {why}. Ready to send again.</source>
        <translation>Tidak terkirim ({t}): {why}. Siap dikirim ulang.</translation>
    </message>
    <message>
        <source>Not sent yet</source>
        <translation>Belum dikirim</translation>
    </message>
    <message>
        <source>no SMS gateway is set up on this desk</source>
        <translation>gateway SMS belum diatur di desk ini</translation>
    </message>
    <message>
        <source>the SMS gateway's folders cannot be used</source>
        <translation>folder gateway SMS tidak dapat dipakai</translation>
    </message>
    <message>
        <source>the agency has no phone number</source>
        <translation>instansi tidak punya nomor telepon</translation>
    </message>
    <message>
        <source>the message is too long</source>
        <translation>pesan terlalu panjang</translation>
    </message>
    <message>
        <source>the modem refused the message</source>
        <translation>modem menolak pesan</translation>
    </message>
    <message>
        <source>the gateway did not send it in time</source>
        <translation>gateway tidak mengirimnya tepat waktu</translation>
    </message>
    <message>
        <source>unknown problem</source>
        <translation>masalah tidak dikenal</translation>
    </message>
    <message>
        <source>unknown sender</source>
        <translation>pengirim tidak dikenal</translation>
    </message>
    <message>
        <source>not a reply (OK / TIBA / SELESAI and the number)</source>
        <translation>bukan balasan (OK / TIBA / SELESAI dan nomornya)</translation>
    </message>
    <message>
        <source>no incident with that number</source>
        <translation>tidak ada kejadian dengan nomor itu</translation>
    </message>
    <message>
        <source>the incident is not referred to that agency</source>
        <translation>kejadian tidak diteruskan ke instansi itu</translation>
    </message>
    <message>
        <source>the referral is closed</source>
        <translation>penerusan sudah ditutup</translation>
    </message>
    <message>
        <source>too many SMS from this number</source>
        <translation>terlalu banyak SMS dari nomor ini</translation>
    </message>
    <message>
        <source>too large</source>
        <translation>terlalu besar</translation>
    </message>
    <message>
        <source>not text</source>
        <translation>bukan teks</translation>
    </message>
    <message>
        <source>cannot be read</source>
        <translation>tidak dapat dibaca</translation>
    </message>
    <message>
        <source>unreadable characters</source>
        <translation>karakter tidak terbaca</translation>
    </message>
    <message>
        <source>not applied</source>
        <translation>tidak diterapkan</translation>
    </message>
    <message>
        <source>WhatsApp could not be opened on this PC: copy the text instead</source>
        <translation>WhatsApp tidak dapat dibuka di PC ini: salin teksnya saja</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>Mengirim…</translation>
    </message>
</context>
<context>
    <name>ReplayDialog</name>
    <message>
        <source>Recording of the call</source>
        <translation>Rekaman panggilan</translation>
    </message>
    <message>
        <source>{number} · {when} · {seconds:.0f} s</source>
        <translation>{number} · {when} · {seconds:.0f} dtk</translation>
    </message>
    <message>
        <source>Warning: the file does not match the SHA-256 kept with the call</source>
        <translation>Peringatan: berkas tidak cocok dengan SHA-256 yang tersimpan di panggilan</translation>
    </message>
</context>
<context>
    <name>ReplayWidget</name>
    <message>
        <source>Caller</source>
        <translation>Penelepon</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>Operator</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>detik</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>Putar</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Memuat…</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Jeda</translation>
    </message>
    <message>
        <source>No audio output device: cannot play the recording.</source>
        <translation>Tidak ada perangkat keluaran audio: rekaman tidak dapat diputar.</translation>
    </message>
    <message>
        <source>The recording file cannot be read.</source>
        <translation>Berkas rekaman tidak dapat dibaca.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Pengaturan</translation>
    </message>
    <message>
        <source>Telephony</source>
        <translation>Telepon</translation>
    </message>
    <message>
        <source>Manual entry</source>
        <translation>Input manual</translation>
    </message>
    <message>
        <source>Simulator (training)</source>
        <translation>Simulator (latihan)</translation>
    </message>
    <message>
        <source>SIP softphone</source>
        <translation>Softphone SIP</translation>
    </message>
    <message>
        <source>e.g. sip:10.0.0.5 (empty: direct calls only)</source>
        <translation>mis. sip:10.0.0.5 (tidak diisi: hanya panggilan langsung)</translation>
    </message>
    <message>
        <source>Ring through (the call waits on this desk)</source>
        <translation>Tetap masuk (panggilan menunggu di meja ini)</translation>
    </message>
    <message>
        <source>Busy Here (486): the PBX routes it to a free desk</source>
        <translation>Sibuk (486): PBX mengalihkannya ke meja yang kosong</translation>
    </message>
    <message>
        <source>Call source</source>
        <translation>Sumber panggilan</translation>
    </message>
    <message>
        <source>SIP registrar</source>
        <translation>Registrar SIP</translation>
    </message>
    <message>
        <source>SIP user</source>
        <translation>Pengguna SIP</translation>
    </message>
    <message>
        <source>SIP password</source>
        <translation>Kata sandi SIP</translation>
    </message>
    <message>
        <source>SIP port</source>
        <translation>Port SIP</translation>
    </message>
    <message>
        <source>Call during a call</source>
        <translation>Panggilan saat sedang tersambung</translation>
    </message>
    <message>
        <source>Audio</source>
        <translation>Audio</translation>
    </message>
    <message>
        <source>Ring tone on</source>
        <translation>Nada dering aktif</translation>
    </message>
    <message>
        <source>Ring volume</source>
        <translation>Volume nada dering</translation>
    </message>
    <message>
        <source>Headset microphone</source>
        <translation>Mikrofon headset</translation>
    </message>
    <message>
        <source>Microphone level</source>
        <translation>Level mikrofon</translation>
    </message>
    <message>
        <source>Headset earphone</source>
        <translation>Earphone headset</translation>
    </message>
    <message>
        <source>Audio devices are not available: {reason}</source>
        <translation>Perangkat audio tidak tersedia: {reason}</translation>
    </message>
    <message>
        <source>Settings not saved: {reason} ({path})</source>
        <translation>Pengaturan tidak tersimpan: {reason} ({path})</translation>
    </message>
    <message>
        <source>No microphone found.</source>
        <translation>Mikrofon tidak ditemukan.</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Bawaan sistem</translation>
    </message>
    <message>
        <source>{name} (not connected)</source>
        <translation>{name} (tidak terhubung)</translation>
    </message>
</context>
<context>
    <name>StatsPanel</name>
    <message>
        <source>Show</source>
        <translation>Tampilkan</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Dari</translation>
    </message>
    <message>
        <source>to</source>
        <translation>s.d.</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Hari ini</translation>
    </message>
    <message>
        <source>7 days</source>
        <translation>7 hari</translation>
    </message>
    <message>
        <source>30 days</source>
        <translation>30 hari</translation>
    </message>
    <message>
        <source>Full size</source>
        <translation>Layar penuh</translation>
    </message>
    <message>
        <source>Open the statistics in a maximised window</source>
        <translation>Buka statistik di jendela penuh</translation>
    </message>
    <message>
        <source>Calls by hour of day (WITA)</source>
        <translation>Panggilan per jam (WITA)</translation>
    </message>
    <message>
        <source>Calls per day</source>
        <translation>Panggilan per hari</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Jenis panggilan</translation>
    </message>
    <message>
        <source>Calls</source>
        <translation>Panggilan</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Kategori</translation>
    </message>
    <message>
        <source>Incidents</source>
        <translation>Kejadian</translation>
    </message>
    <message>
        <source>Kecamatan</source>
        <translation>Kecamatan</translation>
    </message>
    <message>
        <source>Agency</source>
        <translation>Instansi</translation>
    </message>
    <message>
        <source>Referrals</source>
        <translation>Penerusan</translation>
    </message>
    <message>
        <source>Ack (med / p90)</source>
        <translation>Dikonfirmasi (med / p90)</translation>
    </message>
    <message>
        <source>On scene (med / p90)</source>
        <translation>Tiba di lokasi (med / p90)</translation>
    </message>
    <message>
        <source>Feedback (med / p90)</source>
        <translation>Tindak lanjut (med / p90)</translation>
    </message>
    <message>
        <source>Escalated</source>
        <translation>Dieskalasi</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>Operator</translation>
    </message>
    <message>
        <source>Answer (med / p90)</source>
        <translation>Waktu angkat (med / p90)</translation>
    </message>
    <message>
        <source>Handling (med / p90)</source>
        <translation>Waktu penanganan (med / p90)</translation>
    </message>
    <message>
        <source>Categories</source>
        <translation>Kategori</translation>
    </message>
    <message>
        <source>Agencies</source>
        <translation>Instansi</translation>
    </message>
    <message>
        <source>Operators</source>
        <translation>Operator</translation>
    </message>
    <message>
        <source>Statistics</source>
        <translation>Statistik</translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation>Menghitung…</translation>
    </message>
    <message>
        <source>Statistics failed: %1</source>
        <translation>Statistik gagal: %1</translation>
    </message>
    <message>
        <source>Emergency</source>
        <translation>Darurat</translation>
    </message>
    <message>
        <source>Information</source>
        <translation>Permintaan informasi</translation>
    </message>
    <message>
        <source>Prank</source>
        <translation>Iseng</translation>
    </message>
    <message>
        <source>Ghost (silent)</source>
        <translation>Ghost call (kosong)</translation>
    </message>
    <message>
        <source>Wrong number</source>
        <translation>Salah sambung</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>Uji coba</translation>
    </message>
    <message>
        <source>Abandoned</source>
        <translation>Tidak terjawab</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>Berlangsung</translation>
    </message>
    <message>
        <source>Fire</source>
        <translation>Kebakaran</translation>
    </message>
    <message>
        <source>Medical</source>
        <translation>Medis/kesehatan</translation>
    </message>
    <message>
        <source>Traffic accident</source>
        <translation>Kecelakaan lalu lintas</translation>
    </message>
    <message>
        <source>Crime / security</source>
        <translation>Kriminal dan keamanan</translation>
    </message>
    <message>
        <source>Domestic violence</source>
        <translation>KDRT</translation>
    </message>
    <message>
        <source>Flood</source>
        <translation>Bencana: banjir</translation>
    </message>
    <message>
        <source>Landslide</source>
        <translation>Bencana: tanah longsor</translation>
    </message>
    <message>
        <source>Fallen tree</source>
        <translation>Bencana: pohon tumbang</translation>
    </message>
    <message>
        <source>Snake</source>
        <translation>Evakuasi hewan: ular</translation>
    </message>
    <message>
        <source>Bees</source>
        <translation>Evakuasi hewan: sarang tawon</translation>
    </message>
    <message>
        <source>Electricity (PLN)</source>
        <translation>Gangguan listrik (PLN)</translation>
    </message>
    <message>
        <source>Water (PDAM)</source>
        <translation>Gangguan air (PDAM)</translation>
    </message>
    <message>
        <source>Street light</source>
        <translation>PJU mati</translation>
    </message>
    <message>
        <source>Missing person</source>
        <translation>Orang hilang</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Lainnya</translation>
    </message>
    <message>
        <source>%1 calls, %2 incidents, %3 referrals. Answer %4, handling %5 (median / p90, min:s).</source>
        <translation>%1 panggilan, %2 kejadian, %3 penerusan. Waktu angkat %4, waktu penanganan %5 (median / p90, mnt:dtk).</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>Diperbarui</translation>
    </message>
    <message>
        <source>All calls</source>
        <translation>Semua panggilan</translation>
    </message>
</context>
<context>
    <name>SyncProblemsDialog</name>
    <message>
        <source>Sync problems</source>
        <translation>Masalah sinkronisasi</translation>
    </message>
    <message>
        <source>{n} changes from the server did not fit and were set aside; everything else was applied. Tell the center's IT staff (operator-desk check lists them).</source>
        <translation>{n} perubahan dari server tidak sesuai dan disisihkan; semua yang lain sudah diterapkan. Beri tahu petugas TI pusat (operator-desk check menampilkannya).</translation>
    </message>
    <message>
        <source>No change from the server was refused.</source>
        <translation>Tidak ada perubahan dari server yang ditolak.</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Waktu masuk</translation>
    </message>
    <message>
        <source>From desk</source>
        <translation>Dari meja</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Kolom</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Masalah</translation>
    </message>
</context>
<context>
    <name>TelephonyBinding</name>
    <message>
        <source>No device location for this call</source>
        <translation>Tidak ada lokasi perangkat untuk panggilan ini</translation>
    </message>
</context>
<context>
    <name>VictimsField</name>
    <message>
        <source>? = not known yet; 0 = none</source>
        <translation>? = belum diketahui; 0 = tidak ada</translation>
    </message>
</context>
<context>
    <name>WallWindow</name>
    <message>
        <source>112 — the floor</source>
        <translation>112 — lantai operator</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Siap</translation>
    </message>
    <message>
        <source>Ringing</source>
        <translation>Panggilan masuk</translation>
    </message>
    <message>
        <source>On a call</source>
        <translation>Sedang menerima panggilan</translation>
    </message>
    <message>
        <source>Wrap-up</source>
        <translation>Menyelesaikan catatan</translation>
    </message>
    <message>
        <source>Break</source>
        <translation>Istirahat</translation>
    </message>
    <message>
        <source>Locked</source>
        <translation>Terkunci</translation>
    </message>
    <message>
        <source>Nobody logged in</source>
        <translation>Belum ada yang masuk</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>112 call center — the floor</source>
        <translation>Pusat panggilan 112 — lantai operator</translation>
    </message>
    <message>
        <source>Ringing now</source>
        <translation>Panggilan masuk sekarang</translation>
    </message>
    <message>
        <source>Longest wait</source>
        <translation>Tunggu terlama</translation>
    </message>
    <message>
        <source>Calls today</source>
        <translation>Panggilan hari ini</translation>
    </message>
    <message>
        <source>Answered ≤ 10 s</source>
        <translation>Dijawab ≤ 10 dtk</translation>
    </message>
    <message>
        <source>Answered ≤ 15 s</source>
        <translation>Dijawab ≤ 15 dtk</translation>
    </message>
    <message>
        <source>Answered ≤ 20 s</source>
        <translation>Dijawab ≤ 20 dtk</translation>
    </message>
    <message>
        <source>Abandoned</source>
        <translation>Tidak terjawab</translation>
    </message>
    <message>
        <source>Prank + ghost</source>
        <translation>Iseng + ghost call</translation>
    </message>
    <message>
        <source>Open P1</source>
        <translation>Terbuka P1</translation>
    </message>
    <message>
        <source>Open P2</source>
        <translation>Terbuka P2</translation>
    </message>
    <message>
        <source>Open P3</source>
        <translation>Terbuka P3</translation>
    </message>
    <message>
        <source>Open P4</source>
        <translation>Terbuka P4</translation>
    </message>
    <message>
        <source>Overdue referrals</source>
        <translation>Penerusan lewat batas</translation>
    </message>
    <message>
        <source>No region pack: no map</source>
        <translation>Belum ada paket wilayah: peta tidak tersedia</translation>
    </message>
    <message>
        <source>Desk</source>
        <translation>Posisi</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>Operator</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>Sejak</translation>
    </message>
    <message>
        <source>The hub cannot be reached</source>
        <translation>Hub tidak terjangkau</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Tidak diketahui</translation>
    </message>
    <message>
        <source>Service level: only {pct} of the last hour's calls answered within 15 s (target 90 %)</source>
        <translation>Tingkat layanan: hanya {pct} panggilan satu jam terakhir dijawab dalam 15 dtk (target 90 %)</translation>
    </message>
</context>
</TS>