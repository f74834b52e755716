package org.phonepass.server.http;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's answers for what it refuses before any route runs (a header block over 16 KiB, a URI too long, a request
 * line it cannot parse) and for its own error pages: Auth0's JSON error shape instead of Jetty's HTML, so that a
 * client always gets {@code error} and {@code error_description}, whatever its {@code Accept} header asks for.
 * Jetty's reason text is not echoed: it can quote the request.
 *
 * <p>This one is the server's (refusals before a request reaches the servlet context); {@link InContext} is the
 * servlet context's, which Jetty 12 needs as a servlet error handler to finish the response through the servlet
 * channel.
 */
final class JsonErrorHandler extends ErrorHandler {

    JsonErrorHandler() {
        configure(this);
    }

    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected boolean generateAcceptableResponse(
            Request request,
            Response response,
            Callback callback,
            String contentType,
            List<Charset> charsets,
            int code,
            String message,
            Throwable cause)
            throws IOException {
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        return super.generateAcceptableResponse(
                request, response, callback, "application/json", List.of(StandardCharsets.UTF_8), code, message, cause);
    }

    @Override
    protected void writeErrorJson(Request request, PrintWriter writer, int code, String message, Throwable cause) {
        writer.write(body(code));
    }

    /** The servlet context's error handler: the same JSON for what the servlet layer refuses (408, 503, ...). */
    static final class InContext extends org.eclipse.jetty.ee10.servlet.ErrorHandler {
        InContext() {
            configure(this);
        }

        @Override
        public boolean errorPageForMethod(String method) {
            return true;
        }

        @Override
        protected boolean generateAcceptableResponse(
                Request request,
                Response response,
                Callback callback,
                String contentType,
                List<Charset> charsets,
                int code,
                String message,
                Throwable cause)
                throws IOException {
            response.getHeaders().put("X-Content-Type-Options", "nosniff");
            return super.generateAcceptableResponse(
                    request,
                    response,
                    callback,
                    "application/json",
                    List.of(StandardCharsets.UTF_8),
                    code,
                    message,
                    cause);
        }

        @Override
        protected void writeErrorJson(Request request, PrintWriter writer, int code, String message, Throwable cause) {
            writer.write(body(code));
        }
    }

    private static void configure(ErrorHandler handler) {
        handler.setShowStacks(false);
        handler.setShowCauses(false);
        handler.setShowMessageInTitle(false);
        handler.setShowOrigin(false);
        handler.setDefaultResponseMimeType("application/json");
    }

    static String body(int status) {
        String error = status >= 500 ? (status == 503 ? "temporarily_unavailable" : "server_error") : "invalid_request";
        String description = switch (status) {
            case 400 -> "The request could not be parsed";
            case 413 -> "The request body is too large";
            case 414 -> "The request URI is too long";
            case 431 -> "The request headers are too large";
            case 503 -> "The service is temporarily unavailable. Please try again.";
            default -> status >= 500 ? "Internal error" : "The request could not be processed";
        };
        return "{\"error\":\"" + error + "\",\"error_description\":\"" + description + "\"}";
    }
}
