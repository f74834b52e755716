package org.phonepass.server.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Jetty's answers for what it refuses before any route runs (a header block over 16 KiB, a URI too long, a request
 * line it cannot parse) and for its own error pages: Auth0's JSON error shape instead of Jetty's HTML, so that a
 * client always gets {@code error} and {@code error_description}. Jetty's reason text is not echoed: it can quote
 * the request.
 */
final class JsonErrorHandler extends ErrorHandler {

    JsonErrorHandler() {
        setShowStacks(false);
        setShowServlet(false);
        setShowMessageInTitle(false);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        if (HttpStatus.hasNoBody(status)) {
            return ByteBuffer.allocate(0);
        }
        fields.put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        fields.put("X-Content-Type-Options", "nosniff");
        return ByteBuffer.wrap(body(status).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request,
                                              HttpServletResponse response, int code, String message)
            throws IOException {
        baseRequest.setHandled(true);
        response.setContentType("application/json; charset=utf-8");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.getOutputStream().write(body(code).getBytes(StandardCharsets.UTF_8));
    }

    static String body(int status) {
        String error = status >= 500 ? (status == 503 ? "temporarily_unavailable" : "server_error")
                : "invalid_request";
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
