// The hosted login pages' enhancements (docs/hosted-login.md#pages-languages-branding-and-accessibility). The pages
// work without this file: forms post as plain HTML. With it, the number is grouped as it is typed, the code is
// read from the SMS where the browser supports WebOTP, and the resend button counts down.

const phone = document.getElementById('phone');
const country = document.getElementById('country');

// Formatting as you type. Each <option> carries the grouping of its country's mobile numbers, taken by the server
// from libphonenumber's metadata ("X XX XX XX XX" after the country code, and the national form when the number
// starts with the trunk prefix). Only the look changes: the server parses what is sent with libphonenumber itself.
function applyMask(digits, mask) {
  let out = '';
  let i = 0;
  for (const ch of mask) {
    if (i >= digits.length) break;
    if (ch === 'X') {
      out += digits[i++];
    } else {
      out += ch;
    }
  }
  return out + digits.slice(i);
}

function formatPhone() {
  const raw = phone.value;
  if (raw.trim().startsWith('+') || !country) return;
  const option = country.selectedOptions[0];
  if (!option) return;
  const digits = raw.replace(/\D/g, '');
  const trunk = option.dataset.np || '';
  const mask = trunk && digits.startsWith(trunk) && option.dataset.nmask ? option.dataset.nmask : option.dataset.mask;
  if (!mask) return;
  const atEnd = phone.selectionStart === raw.length;
  const formatted = applyMask(digits, mask);
  if (formatted !== raw && atEnd) {
    phone.value = formatted;
  }
}

if (phone && country) {
  phone.addEventListener('input', (event) => {
    // Deleting a space or bracket should delete, not be put back at once.
    if (event.inputType && event.inputType.startsWith('delete')) return;
    formatPhone();
  });
  country.addEventListener('change', formatPhone);
}

const code = document.getElementById('code');
const codeForm = document.getElementById('code-form');

if (code && codeForm) {
  code.addEventListener('input', () => {
    const digits = code.value.replace(/\D/g, '');
    if (digits !== code.value) code.value = digits;
  });
  // WebOTP: when the SMS ends with "@<this host> #<code>", the browser offers the code to this page after the
  // person agrees; the form is then sent at once. Browsers without the API simply skip this.
  if ('OTPCredential' in window && navigator.credentials && navigator.credentials.get) {
    const abort = new AbortController();
    codeForm.addEventListener('submit', () => abort.abort());
    navigator.credentials
      .get({ otp: { transport: ['sms'] }, signal: abort.signal })
      .then((otp) => {
        if (otp && otp.code) {
          code.value = otp.code;
          if (codeForm.requestSubmit) codeForm.requestSubmit();
          else codeForm.submit();
        }
      })
      .catch(() => {});
  }
}

// The resend button: disabled while the server would refuse, with the time left announced politely.
const resend = document.getElementById('resend');
const resendStatus = document.getElementById('resend-status');
if (resend && resendStatus) {
  let left = parseInt(resend.dataset.wait || '0', 10);
  const waitOne = resend.dataset.waitOne || '';
  const waitMany = resend.dataset.waitMany || '';
  const readyText = resend.dataset.readyText || '';
  if (left > 0) {
    resend.disabled = true;
    const timer = setInterval(() => {
      left -= 1;
      if (left <= 0) {
        clearInterval(timer);
        resend.disabled = false;
        resendStatus.textContent = readyText;
      } else if (left % 10 === 0 || left <= 5) {
        // Not every second: a screen reader would read each change of a live region.
        resendStatus.textContent = left === 1 ? waitOne : waitMany.replace('#', String(left));
      }
    }, 1000);
  }
}
