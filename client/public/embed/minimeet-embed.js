/* global document, window, setTimeout, clearTimeout */
/*
 * MiniMeet embed helper: puts a MiniMeet call in an iframe on your page and talks to it.
 * No dependencies. Include it from your MiniMeet server (your site's origin must be in the
 * server's EMBED_ALLOWED_ORIGINS):
 *
 *   <div id="call" style="height: 600px"></div>
 *   <script src="https://meet.example.com/embed/minimeet-embed.js"></script>
 *   <script>
 *     const call = MiniMeet.embed(document.getElementById('call'), { roomId: 42, token: '…' });
 *     call.on('joined', (e) => console.log('in the call as', e.self.username));
 *     call.muteMic().then((state) => console.log('mic on?', state.micOn));
 *   </script>
 *
 * Options: roomId, token (a MiniMeet access token or a join token minted with an API key),
 * mic / camera (false: start muted / with the camera off), baseUrl (the MiniMeet server; default:
 * where this script came from), timeoutMs (per command, default 15000).
 * Commands (each returns a Promise of the call state, rejected with { code, message }):
 * muteMic, unmuteMic, muteCamera, unmuteCamera, toggleChat, leave, getState.
 * Events (on / off): ready, joined, left, participantsChanged, activeSpeaker, micChanged,
 * cameraChanged, error. destroy() removes the iframe.
 */
(function (global) {
  'use strict';

  var SOURCE = 'minimeet';
  var COMMANDS = ['muteMic', 'unmuteMic', 'muteCamera', 'unmuteCamera', 'toggleChat', 'leave', 'getState'];
  var script = document.currentScript;
  var scriptOrigin = script && script.src ? new URL(script.src).origin : null;
  var counter = 0;

  function embed(container, options) {
    options = options || {};
    if (!container || typeof container.appendChild !== 'function') throw new Error('MiniMeet.embed: a container element is required');
    var roomId = Number(options.roomId);
    if (!Number.isInteger(roomId) || roomId < 1) throw new Error('MiniMeet.embed: roomId must be a positive integer');
    if (typeof options.token !== 'string' || !options.token) throw new Error('MiniMeet.embed: token is required');
    var base = options.baseUrl || scriptOrigin;
    if (!base) throw new Error('MiniMeet.embed: baseUrl is required when the script is not loaded from the MiniMeet server');
    var appOrigin = new URL(base).origin;
    var timeoutMs = options.timeoutMs || 15000;

    var url = new URL('/embed/rooms/' + roomId, appOrigin);
    url.searchParams.set('token', options.token);
    if (options.mic === false) url.searchParams.set('mic', 'off');
    if (options.camera === false) url.searchParams.set('camera', 'off');

    var iframe = document.createElement('iframe');
    iframe.src = url.toString();
    iframe.title = options.title || 'MiniMeet call';
    // Camera, microphone and screen for the MiniMeet origin only.
    iframe.allow = 'camera; microphone; display-capture; autoplay; fullscreen';
    // The frame learns which site it is in from the referrer's origin (never the full URL).
    iframe.referrerPolicy = 'origin';
    iframe.style.border = '0';
    iframe.style.width = '100%';
    iframe.style.height = '100%';
    container.appendChild(iframe);

    var listeners = {};
    var waiting = {};

    function onMessage(e) {
      if (e.source !== iframe.contentWindow || e.origin !== appOrigin) return;
      var m = e.data;
      if (!m || m.source !== SOURCE) return;
      if (m.type === 'event') {
        (listeners[m.event] || []).slice().forEach(function (fn) {
          try {
            fn(m.data);
          } catch (err) {
            setTimeout(function () {
              throw err;
            });
          }
        });
      } else if (m.type === 'result' && m.requestId && waiting[m.requestId]) {
        var w = waiting[m.requestId];
        delete waiting[m.requestId];
        clearTimeout(w.timer);
        if (m.ok) w.resolve(m.state);
        else w.reject(m.error);
      }
    }
    global.addEventListener('message', onMessage);

    function send(command) {
      return new Promise(function (resolve, reject) {
        if (!iframe.contentWindow) return reject({ code: 'EMBED_DESTROYED', message: 'The call frame was removed.' });
        counter += 1;
        var requestId = 'mm-' + Date.now().toString(36) + '-' + counter;
        var timer = setTimeout(function () {
          delete waiting[requestId];
          reject({ code: 'TIMEOUT', message: 'The call did not answer ' + command + '.' });
        }, timeoutMs);
        waiting[requestId] = { resolve: resolve, reject: reject, timer: timer };
        iframe.contentWindow.postMessage({ source: SOURCE, type: 'command', command: command, requestId: requestId }, appOrigin);
      });
    }

    var api = {
      iframe: iframe,
      on: function (event, fn) {
        (listeners[event] = listeners[event] || []).push(fn);
        return api;
      },
      off: function (event, fn) {
        listeners[event] = (listeners[event] || []).filter(function (f) {
          return f !== fn;
        });
        return api;
      },
      destroy: function () {
        global.removeEventListener('message', onMessage);
        Object.keys(waiting).forEach(function (id) {
          clearTimeout(waiting[id].timer);
          waiting[id].reject({ code: 'EMBED_DESTROYED', message: 'The call frame was removed.' });
        });
        waiting = {};
        listeners = {};
        if (iframe.parentNode) iframe.parentNode.removeChild(iframe);
      },
    };
    COMMANDS.forEach(function (command) {
      api[command] = function () {
        return send(command);
      };
    });
    return api;
  }

  global.MiniMeet = global.MiniMeet || {};
  global.MiniMeet.embed = embed;
})(window);
