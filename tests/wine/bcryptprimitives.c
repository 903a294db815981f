/* Wine 8 has no bcryptprimitives.dll, which Rust's std (1.78 and later)
 * imports for ProcessPrng. This one-function stand-in lets the Windows
 * build of mcast run under Wine; it is never used on real Windows.
 *
 *   x86_64-w64-mingw32-gcc -shared -o bcryptprimitives.dll \
 *       tests/wine/bcryptprimitives.c -ladvapi32
 *
 * and put the DLL next to mcast.exe. */
#include <windows.h>
#include <ntsecapi.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!RtlGenRandom(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
