package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Telegram sends messages through a bot with the Bot API's sendMessage.
type Telegram struct {
	Token  string
	API    string       // base URL, default https://api.telegram.org
	Client *http.Client // default: 15 s timeout
}

// TelegramError is a refusal by the Bot API: its error_code and
// description, and how long to wait when it is flood control (429).
type TelegramError struct {
	Code        int
	Description string
	RetryAfter  time.Duration
}

func (e *TelegramError) Error() string {
	return fmt.Sprintf("telegram: %d %s", e.Code, e.Description)
}

// Temporary reports whether sending again later may succeed: flood
// control and server errors.
func (e *TelegramError) Temporary() bool { return e.Code == 429 || e.Code >= 500 }

// apiResponse is every Bot API answer: ok, and the result or the error.
type apiResponse struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// Send posts text to chat and returns the message id Telegram gave it.
// Flood control is waited out once when it asks for less than a minute.
func (t *Telegram) Send(ctx context.Context, chat, text string) (int64, error) {
	id, err := t.send(ctx, chat, text)
	var te *TelegramError
	if asTelegram(err, &te) && te.Code == 429 && te.RetryAfter > 0 && te.RetryAfter < time.Minute {
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(te.RetryAfter):
		}
		return t.send(ctx, chat, text)
	}
	return id, err
}

func asTelegram(err error, te **TelegramError) bool {
	e, ok := err.(*TelegramError)
	if ok {
		*te = e
	}
	return ok
}

func (t *Telegram) send(ctx context.Context, chat, text string) (int64, error) {
	api := strings.TrimRight(t.API, "/")
	if api == "" {
		api = "https://api.telegram.org"
	}
	client := t.Client
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	body, err := json.Marshal(map[string]any{"chat_id": chat, "text": text,
		"link_preview_options": map[string]bool{"is_disabled": true}})
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, api+"/bot"+t.Token+"/sendMessage", bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("telegram: %w", redactToken(err, t.Token))
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		// A network failure may pass: flood-control-like, temporary.
		return 0, &TelegramError{Code: 503, Description: redactToken(err, t.Token).Error()}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return 0, &TelegramError{Code: 503, Description: err.Error()}
	}
	var r apiResponse
	if err := json.Unmarshal(data, &r); err != nil {
		return 0, &TelegramError{Code: resp.StatusCode, Description: fmt.Sprintf("unreadable answer (HTTP %d): %.120s", resp.StatusCode, data)}
	}
	if !r.OK {
		code := r.ErrorCode
		if code == 0 {
			code = resp.StatusCode
		}
		return 0, &TelegramError{Code: code, Description: r.Description, RetryAfter: time.Duration(r.Parameters.RetryAfter) * time.Second}
	}
	var msg struct {
		MessageID int64 `json:"message_id"`
	}
	if err := json.Unmarshal(r.Result, &msg); err != nil {
		return 0, fmt.Errorf("telegram: reading the sent message: %w", err)
	}
	return msg.MessageID, nil
}

// redactToken keeps the bot token out of errors (URLs in them carry it).
func redactToken(err error, token string) error {
	if token == "" {
		return err
	}
	return fmt.Errorf("%s", strings.ReplaceAll(err.Error(), token, "<token>"))
}
