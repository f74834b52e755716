/* global sendSMS, login */
// Wires the own-UI form of both pages to the article's sendSMS() and login() functions.
$(function () {
  $('form.enter-phone').on('submit', function (e) {
    e.preventDefault();
    App.clearNotice();
    sendSMS();
  });
  $('form.enter-code').on('submit', function (e) {
    e.preventDefault();
    App.clearNotice();
    login();
  });
  // "Did not get the code?": back to the phone form; sending again issues a new code and kills the old one.
  $('.resend').on('click', function (e) {
    e.preventDefault();
    App.clearNotice();
    $('input.code').val('');
    $('.enter-code').hide();
    $('.enter-phone').show();
  });
});
