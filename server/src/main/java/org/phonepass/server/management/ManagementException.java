package org.phonepass.server.management;

/**
 * A refusal of the management API, in Auth0's Management API shape ({@code statusCode}, {@code error},
 * {@code message}, {@code errorCode}; docs/management.md#errors). The domain services throw it, so that a Java
 * caller (the admin console) gets the same answer as an HTTP one.
 */
public final class ManagementException extends RuntimeException {
    private final int status;
    private final String errorCode;

    public ManagementException(int status, String errorCode, String message) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    public static ManagementException badRequest(String errorCode, String message) {
        return new ManagementException(400, errorCode, message);
    }

    public static ManagementException notFound(String errorCode, String message) {
        return new ManagementException(404, errorCode, message);
    }

    public static ManagementException conflict(String errorCode, String message) {
        return new ManagementException(409, errorCode, message);
    }

    public int status() {
        return status;
    }

    /** Auth0's machine-readable {@code errorCode}, such as {@code inexistent_user}. */
    public String errorCode() {
        return errorCode;
    }

    /** The HTTP reason phrase Auth0 puts in {@code error}. */
    public String error() {
        return reason(status);
    }

    public static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 413 -> "Payload Too Large";
            case 415 -> "Unsupported Media Type";
            case 429 -> "Too Many Requests";
            case 503 -> "Service Unavailable";
            default -> "Internal Server Error";
        };
    }
}
